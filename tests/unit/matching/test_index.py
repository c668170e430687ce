"""The index against the naive per-pair scorer, explain(), and a fresh build after changes."""
from dataclasses import replace

import numpy as np
import pytest

from matchmaker.matching import (DEFAULT_POLICY, MatchIndex, MatchingInputError, Policy, UnknownRecord,
                                 WorkerColumns, merge_rankings, validate_vacancy, validate_worker)
from matchmaker.matching.naive import naive_rank_vacancies, naive_rank_workers

from .conftest import ELECTRICIAN, TODAY, WELDER, make_vacancy, make_worker, random_population


@pytest.fixture(params=["small-scan", "explicit+scan", "pruned"])
def path(request, monkeypatch):
    """Run a test through each of the index's three ways to a top-k."""
    if request.param != "small-scan":
        monkeypatch.setattr(MatchIndex, "SMALL_SCAN", -1)
    if request.param == "pruned":
        monkeypatch.setattr(MatchIndex, "PRUNE_MIN", 0)
    return request.param


def _same(fast, slow):
    """Same ids in the same order; totals equal up to the last bit of the arc sine (NumPy vs math)."""
    assert [i for i, _ in fast] == [i for i, _ in slow]
    assert np.allclose([t for _, t in fast], [t for _, t in slow], rtol=0, atol=1e-9)


def _setup(cat, seed, n_workers=250, n_vacancies=25, policy=DEFAULT_POLICY):
    workers, vacancies, ctx = random_population(seed, n_workers, n_vacancies)
    index = MatchIndex.build(cat, workers, vacancies, policy, ctx, TODAY)
    return index, [validate_worker(w, cat) for w in workers], [validate_vacancy(v, cat) for v in vacancies], ctx


@pytest.mark.parametrize("seed", range(6))
def test_rank_workers_equals_naive(cat, seed, path):
    index, workers, vacancies, ctx = _setup(cat, seed)
    for v in vacancies:
        for k in (1, 10, 50):
            _same(index.rank_workers(v.id, k=k).pairs(),
                  naive_rank_workers(v, workers, ctx, DEFAULT_POLICY, cat, TODAY, k=k))


@pytest.mark.parametrize("seed", range(3))
def test_rank_vacancies_equals_naive(cat, seed):
    index, workers, vacancies, ctx = _setup(cat, seed)
    for w in workers[:60]:
        _same(index.rank_vacancies(w.id, k=20).pairs(),
              naive_rank_vacancies(w, vacancies, ctx, DEFAULT_POLICY, cat, TODAY, k=20))


def test_filters_equal_naive(cat, path):
    index, workers, vacancies, ctx = _setup(cat, 11)
    cases = [dict(counties=["441481"]), dict(zones=["output", "nearby"]), dict(max_km=60.0),
             dict(paired_only=True), dict(trades=[WELDER, ELECTRICIAN]), dict(statuses=("available", "nominated"))]
    level_cases = [dict(min_level=2), dict(min_level=3), dict(min_level=3, trades=[ELECTRICIAN]),
                   dict(min_level=2, counties=["441481"])]
    for v in vacancies[:12]:
        for f in level_cases:
            _same(index.rank_workers(v.id, k=20, **f).pairs(),
                  naive_rank_workers(v, workers, ctx, DEFAULT_POLICY, cat, TODAY, k=20, **f))
        for f in cases:
            _same(index.rank_workers(v.id, k=20, **f).pairs(),
                  naive_rank_workers(v, workers, ctx, DEFAULT_POLICY, cat, TODAY, k=20, **f))
    vacancy_cases = cases + [dict(with_housing=True), dict(with_training=True),
                             dict(with_housing=True, with_training=True, counties=["441481"])]
    assert any(v.housing for v in vacancies) and any(not v.housing for v in vacancies)
    assert any(v.training_mode == "none" for v in vacancies) and any(v.training_mode != "none" for v in vacancies)
    for w in workers[:30]:
        for f in vacancy_cases:
            _same(index.rank_vacancies(w.id, k=10, **f).pairs(),
                  naive_rank_vacancies(w, vacancies, ctx, DEFAULT_POLICY, cat, TODAY, k=10, **f))


def test_other_policy_equals_naive(cat, path):
    policy = Policy(w_skill=0.2, w_location=0.7, w_training=0.1, bonus_cap=4, bonus_paired_village=9,
                    housing_factor=2.0, same_minor=0.5, same_medium=0.1, level_step=0.5, version="t")
    index, workers, vacancies, ctx = _setup(cat, 5, policy=policy)
    for v in vacancies:
        _same(index.rank_workers(v.id, k=15).pairs(), naive_rank_workers(v, workers, ctx, policy, cat, TODAY, k=15))


def test_ranked_totals_equal_explain_bit_for_bit(cat, path):
    index, workers, vacancies, ctx = _setup(cat, 3)
    for v in vacancies[:10]:
        ranking = index.rank_workers(v.id, k=10)
        for wid, total, s, l, t in zip(ranking.ids, ranking.totals, ranking.skill, ranking.location,
                                       ranking.training):
            e = index.explain(int(wid), v.id)
            assert e.eligible and e.total == total and (e.skill, e.location, e.training) == (s, l, t)
    for w in workers[:20]:
        ranking = index.rank_vacancies(w.id, k=5)
        for vid, total in zip(ranking.ids, ranking.totals):
            assert index.explain(w.id, int(vid)).total == total


def test_explain_many_equals_explain_pair_by_pair(cat):
    index, workers, vacancies, _ctx = _setup(cat, 4)
    ranking = index.rank_workers(vacancies[0].id, k=15)
    pairs = [(int(w), vacancies[0].id) for w in ranking.ids] + [(workers[0].id, v.id) for v in vacancies[:8]]
    pairs += [(workers[1].id, vacancies[0].id), (workers[0].id, vacancies[0].id)]  # repeats, and a mix
    for statuses in (("available",), ("available", "nominated")):
        many = index.explain_many([w for w, _ in pairs], [v for _, v in pairs], statuses=statuses)
        assert many == [index.explain(w, v, statuses=statuses) for w, v in pairs]
    assert index.explain_many([], []) == []


def test_ties_are_broken_by_id(cat):
    workers = [make_worker(i, skills=[(WELDER, 2)]) for i in (9, 3, 7, 5)]
    index = MatchIndex.build(cat, workers, [make_vacancy(1)], today=TODAY)
    assert list(index.rank_workers(1, k=3).ids) == [3, 5, 7]


def test_changes_without_rebuild_equal_a_fresh_build(cat, path):
    index, workers, vacancies, ctx = _setup(cat, 7)
    rnd = np.random.default_rng(0)
    by_id = {w.id: w for w in workers}
    for step in range(40):
        wid = int(rnd.choice(list(by_id)))
        if step % 5 == 0:
            index.remove_worker(wid)
            del by_id[wid]
        else:
            w = replace(by_id[wid], skills=[(WELDER, int(rnd.integers(1, 6)))], status="available",
                        radius="province")
            index.upsert_worker(w)
            by_id[wid] = validate_worker(w, cat)
    new = make_worker(999_999, skills=[(ELECTRICIAN, 3)])
    index.upsert_worker(new)
    by_id[new.id] = validate_worker(new, cat)
    v2 = replace(vacancies[0], required=[(WELDER, 1)], housing=True)
    index.upsert_vacancy(v2)
    vacancies = [validate_vacancy(v2, cat)] + vacancies[1:]
    index.remove_vacancy(vacancies[1].id)
    vacancies = [vacancies[0]] + vacancies[2:]
    ctx.add_referral(vacancies[2].id, next(iter(by_id)))
    fresh = MatchIndex.build(cat, list(by_id.values()), vacancies, DEFAULT_POLICY, ctx, TODAY)
    for v in vacancies:
        assert index.rank_workers(v.id, k=30).pairs() == fresh.rank_workers(v.id, k=30).pairs()
    for w in list(by_id.values())[:30]:
        assert index.rank_vacancies(w.id).pairs() == fresh.rank_vacancies(w.id).pairs()
    index.compact()
    for v in vacancies[:5]:
        assert index.rank_workers(v.id, k=30).pairs() == fresh.rank_workers(v.id, k=30).pairs()
    with pytest.raises(UnknownRecord):
        index.rank_vacancies(vacancies[0].id + 10**9)


def test_status_change_and_context_change_are_visible(cat, path):
    workers = [make_worker(1, skills=[(WELDER, 2)]), make_worker(2, skills=[(WELDER, 2)])]
    index = MatchIndex.build(cat, workers, [make_vacancy(5, enterprise_id=10)], today=TODAY)
    assert list(index.rank_workers(5).ids) == [1, 2]
    index.set_worker_status(1, "employed")
    assert list(index.rank_workers(5).ids) == [2]
    index.ctx.add_pairing(10, "441481100201")
    assert index.rank_workers(5).bonus[0] == 5.0
    index.ctx.add_referral(5, 2)
    assert len(index.rank_workers(5)) == 0


def test_vacancy_counties_follow_status_changes_and_removals(cat):
    index = MatchIndex.build(cat, [], [make_vacancy(1, county_code="441481"), make_vacancy(2, county_code="441424"),
                                       make_vacancy(3, county_code="441424"),
                                       make_vacancy(4, county_code="440104", status="draft")], today=TODAY)
    assert index.vacancy_counties() == ["441424", "441481"]
    assert index.vacancy_counties(("draft",)) == ["440104"]
    index.set_vacancy_status(2, "closed")
    assert index.vacancy_counties() == ["441424", "441481"]  # 3 is still open there
    index.remove_vacancy(3)
    index.upsert_vacancy(make_vacancy(1, county_code="440104"))  # moved
    assert index.vacancy_counties() == ["440104"]


def test_ranking_a_draft_record_and_an_outside_worker(cat):
    index = MatchIndex.build(cat, [make_worker(1, skills=[(WELDER, 2)])], [make_vacancy(5)], today=TODAY)
    draft = make_vacancy(77, required=[(WELDER, 1)])
    assert list(index.rank_workers(draft).ids) == [1]
    assert list(index.rank_vacancies(make_worker(8, skills=[(WELDER, 3)])).ids) == [5]


def test_shards_merge_to_the_global_top_k(cat, path):
    workers, vacancies, ctx = random_population(21, 300, 10)
    whole = MatchIndex.build(cat, workers, vacancies, DEFAULT_POLICY, ctx, TODAY)
    shards = [MatchIndex.build(cat, [w for w in workers if (w.village_code or "")[:4] == city], vacancies,
                               DEFAULT_POLICY, ctx, TODAY) for city in {(w.village_code or "")[:4] for w in workers}]
    for v in vacancies:
        merged = merge_rankings([s.rank_workers(v.id, k=25) for s in shards], 25)
        assert merged.pairs() == whole.rank_workers(v.id, k=25).pairs()


def test_bulk_columns_are_validated(cat):
    cols = WorkerColumns.from_records([make_worker(1, skills=[(WELDER, 2)])], cat)
    cols.skill_level[:] = 7
    with pytest.raises(MatchingInputError) as err:
        MatchIndex.from_columns(cat, cols, index_empty_vacancies(cat))
    assert err.value.field == "workers.skill_level"


def index_empty_vacancies(cat):
    from matchmaker.matching import VacancyColumns
    return VacancyColumns.from_records([], cat)


def test_memory_is_reported(cat):
    index, *_ = _setup(cat, 1)
    assert index.nbytes()["workers"] > 0 and index.n_workers == 250


def test_a_larger_population_equals_naive(cat, monkeypatch):
    """Enough workers per trade that the pruning by upper bound really prunes."""
    monkeypatch.setattr(MatchIndex, "SMALL_SCAN", -1)
    monkeypatch.setattr(MatchIndex, "PRUNE_MIN", 200)
    index, workers, vacancies, ctx = _setup(cat, 42, n_workers=3000, n_vacancies=12)
    for v in vacancies:
        ranking = index.rank_workers(v.id, k=20)
        _same(ranking.pairs(), naive_rank_workers(v, workers, ctx, DEFAULT_POLICY, cat, TODAY, k=20))
