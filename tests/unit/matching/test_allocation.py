import itertools

import numpy as np
import pytest

from matchmaker.matching import MatchIndex, MatchingInputError, allocate, allocate_ids

from .conftest import TODAY, WELDER, make_vacancy, make_worker


def brute_force(scores, heads, min_score):
    n_w, n_v = scores.shape
    best = 0.0
    for choice in itertools.product(range(-1, n_v), repeat=n_w):
        used = [0] * n_v
        total = 0.0
        ok = True
        for w, v in enumerate(choice):
            if v < 0:
                continue
            s = scores[w, v]
            if np.isnan(s) or s < min_score:
                ok = False
                break
            used[v] += 1
            total += s
        if ok and all(u <= h for u, h in zip(used, heads)):
            best = max(best, total)
    return best


@pytest.mark.parametrize("seed", range(25))
def test_allocation_is_optimal_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    n_w, n_v = rng.integers(1, 6), rng.integers(1, 4)
    scores = rng.uniform(0, 100, (n_w, n_v)).round(1)
    scores[rng.random((n_w, n_v)) < 0.2] = np.nan
    heads = rng.integers(0, 3, n_v)
    min_score = float(rng.choice([0, 30, 60]))
    result = allocate(scores, heads, min_score)
    assert sum(s for _, _, s in result) == pytest.approx(brute_force(scores, heads, min_score))
    assert len({w for w, _, _ in result}) == len(result)
    for v in range(n_v):
        assert sum(1 for _, c, _ in result if c == v) <= heads[v]
    assert all(s >= min_score for _, _, s in result)


def test_headcount_spreads_workers():
    scores = np.array([[90, 80], [85, 10], [70, 60]], dtype=float)
    assert allocate(scores, [1, 2]) == [(0, 1, 80.0), (1, 0, 85.0), (2, 1, 60.0)]


def test_bad_allocation_input():
    with pytest.raises(MatchingInputError) as err:
        allocate(np.zeros((2, 2)), [1, -1])
    assert err.value.field == "headcounts"
    with pytest.raises(MatchingInputError):
        allocate(np.zeros(3), [1])
    assert allocate(np.zeros((0, 2)), [1, 1]) == []


def test_allocation_from_the_index(cat):
    workers = [make_worker(i, skills=[(WELDER, lv)]) for i, lv in ((1, 3), (2, 1), (3, 2))]
    vacancies = [make_vacancy(10, required=[(WELDER, 3)], headcount=1), make_vacancy(11, required=[], headcount=1)]
    index = MatchIndex.build(cat, workers, vacancies, today=TODAY)
    scores = index.score_matrix([1, 2, 3], [10, 11])
    assert scores[0, 0] == index.explain(1, 10).total
    pairs = allocate_ids([1, 2, 3], [10, 11], scores, [1, 1])
    assert len(pairs) == 2 and (1, 10, scores[0, 0]) in pairs
