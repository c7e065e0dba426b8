"""Measures of a world's state, over (..., n, n) arrays of alignment scores.

Pure numpy, like :mod:`sim.model.dynamics`; used by runs, the classroom app and batch outputs.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np


def pair_mean(A: np.ndarray, i: int, j: int) -> np.ndarray:
    """A pair's score, the mean of how each regards the other: ``(A[..., i, j] + A[..., j, i]) / 2``."""
    return (A[..., i, j] + A[..., j, i]) / 2.0


def symmetric(A: np.ndarray) -> np.ndarray:
    """How each pair regards each other on average: ``(A[i, j] + A[j, i]) / 2``."""
    return (A + np.swapaxes(A, -1, -2)) / 2.0


def triads(A: np.ndarray, dead_zone: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Counts of balanced and unbalanced triads, by Heider's rule on the pair averages.

    A triad is balanced when the product of its three signs is positive (friends of
    friends are friends; an enemy's enemy is a friend). Triads with any tie within
    ``dead_zone`` of zero are counted in neither.
    """
    P = symmetric(A)
    n = P.shape[-1]
    balanced = np.zeros(P.shape[:-2], dtype=np.int64)
    unbalanced = np.zeros_like(balanced)
    for i, j, k in combinations(range(n), 3):
        ties = np.stack([P[..., i, j], P[..., j, k], P[..., i, k]])
        signed = np.all(np.abs(ties) > dead_zone, axis=0)
        product = np.prod(np.sign(ties), axis=0)
        balanced += signed & (product > 0)
        unbalanced += signed & (product < 0)
    return balanced, unbalanced
