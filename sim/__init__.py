"""Tightrope: a what-if simulator of the Pakistan-Russia thaw, built on Mesa."""

__version__ = "0.1.0"
