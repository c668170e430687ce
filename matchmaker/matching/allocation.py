"""Allocation: the assignment of candidates to vacancies that maximises the total score.

Each vacancy takes at most its headcount, each worker at most one vacancy, and only pairs scoring at least
``min_score`` (NaN = not eligible). Solved exactly as an assignment problem on a matrix with one column per
vacancy *slot* (SciPy's ``linear_sum_assignment``); unassigned pairs weigh zero, so leaving someone out is
always possible.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from matchmaker.matching.errors import MatchingInputError


def allocate(scores: np.ndarray, headcounts: Sequence[int], min_score: float = 0.0) -> list[tuple[int, int, float]]:
    """Best assignment as ``[(worker_index, vacancy_index, score)]``, sorted by worker index.

    ``scores`` is (n_workers × n_vacancies), NaN where a pair is not allowed.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2:
        raise MatchingInputError("scores", "must be a 2-D matrix (workers × vacancies)")
    n_w, n_v = scores.shape
    heads = np.asarray(headcounts)
    if heads.shape != (n_v,):
        raise MatchingInputError("headcounts", f"needs one headcount per vacancy ({n_v})")
    if not np.issubdtype(heads.dtype, np.integer) or (heads < 0).any():
        raise MatchingInputError("headcounts", "must be non-negative integers")
    if not np.isfinite(min_score):
        raise MatchingInputError("min_score", "must be a finite number")
    if n_w == 0 or n_v == 0:
        return []
    slots = np.minimum(heads, n_w)
    col_vac = np.repeat(np.arange(n_v), slots)
    if not len(col_vac):
        return []
    allowed = np.isfinite(scores) & (scores >= min_score)
    # weight: the score for allowed pairs (plus 1e-9, so that among equal totals more people are placed), else 0
    weight = np.where(allowed, np.maximum(np.nan_to_num(scores), 0.0) + 1e-9, 0.0)[:, col_vac]
    rows, cols = linear_sum_assignment(weight, maximize=True)
    out = []
    for r, c in zip(rows, cols):
        v = int(col_vac[c])
        if allowed[r, v]:
            out.append((int(r), v, float(scores[r, v])))
    return sorted(out)


def allocate_ids(worker_ids: Sequence[int], vacancy_ids: Sequence[int], scores: np.ndarray,
                 headcounts: Sequence[int], min_score: float = 0.0) -> list[tuple[int, int, float]]:
    """:func:`allocate` with ids: ``[(worker_id, vacancy_id, score)]``."""
    return [(worker_ids[r], vacancy_ids[c], s) for r, c, s in allocate(scores, headcounts, min_score)]
