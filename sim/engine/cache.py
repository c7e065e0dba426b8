"""Where the compiled engine keeps its machine code, and whether it is there yet.

Numba compiles :mod:`sim.engine.kernel` and :mod:`sim.engine.streams` on first use
(about 10 s) and caches the result on disk. The cache lives in a folder of its own,
named by a fingerprint of everything the machine code depends on: the two modules'
source, the layout they read by name from the model (drivers, channels, decision
rules), and the numba and Python versions. Numba itself only watches the source file
of each function, so without the fingerprint a changed layout would load stale code.

The folder is the first of these that can be written: ``$TIGHTROPE_CACHE_DIR``,
``$NUMBA_CACHE_DIR``, the package's own ``sim/engine/__pycache__`` (a checkout or a
writable install), the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``), the
temporary folder.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

from sim.model import decisions, dynamics

HERE = Path(__file__).resolve().parent
SOURCES = ("kernel.py", "streams.py", "cache.py")
MARKER = "ready"  # written once the engine has been compiled and saved


def fingerprint() -> str:
    import numba

    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update((HERE / name).read_bytes())
    layout = (dynamics.DRIVERS, dynamics.CHANNELS, dynamics.BENEFIT_CHANNELS, decisions.RULES)
    digest.update(repr((layout, numba.__version__, sys.version_info[:2])).encode())
    return digest.hexdigest()[:16]


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


def _candidates() -> list[Path]:
    home = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    found = [os.environ.get("TIGHTROPE_CACHE_DIR"), os.environ.get("NUMBA_CACHE_DIR"), HERE / "__pycache__",
             Path(home) / "tightrope", Path(tempfile.gettempdir()) / f"tightrope-cache-{os.getuid()}"]
    return [Path(p) for p in found if p]


def folder() -> Path:
    """This engine's cache folder (made if need be), in the first place that can be written."""
    name = f"numba-{fingerprint()}"
    for base in _candidates():
        if _writable(base / name):
            return base / name
    raise OSError("no folder to cache the compiled engine in (set TIGHTROPE_CACHE_DIR to a writable one)")


FOLDER = folder()


def jit(fn):
    """``numba.njit`` without the GIL, cached in :data:`FOLDER`."""
    import numba

    before = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(FOLDER)  # read once, when the function's cache is set up
    try:
        return numba.njit(cache=True, nogil=True)(fn)
    finally:
        numba.config.CACHE_DIR = before


def warm() -> bool:
    """Whether the engine was compiled here before (loading it then takes well under a second)."""
    return (FOLDER / MARKER).exists()


def mark_warm() -> None:
    (FOLDER / MARKER).write_text("compiled and cached\n")
