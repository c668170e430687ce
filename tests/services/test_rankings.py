"""Rankings through the engine, as the enterprise and the seeker see them, kept fresh by the change log."""
from datetime import date

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Vacancy, VacancyTrade, WorkerSkill, Certificate
from matchmaker.services import matching, rankings
from matchmaker.services.errors import DomainError, Forbidden
from matchmaker.services.workers import LedgerEntry, add_to_ledger
from tests.factories import id_number, make_trade, make_worker


@pytest.fixture
def welding(world):
    """A welding vacancy of enterprise A near village A, and two workers: a certified welder and a novice."""
    trade = make_trade("6-18-02-04", "焊工")
    a = world.a
    vacancy = Vacancy(enterprise=a.enterprise, title="焊工", site_county=a.county, longitude=115.05,
                      latitude=24.02, headcount=2, wage_min=5000, wage_max=7000, status="open", age_max=55)
    vacancy.trades.append(VacancyTrade(trade=trade, min_level=2))
    db.session.add(vacancy)
    a.worker.radius = "county"
    db.session.add_all([WorkerSkill(worker=a.worker, trade=trade, level=3),
                        Certificate(worker=a.worker, trade=trade, level=3)])
    db.session.commit()
    return vacancy


def test_candidates_are_ranked_with_the_same_total_as_explain(world, welding):
    result = rankings.candidates_for(world.a.employer, welding.id, rankings.CandidateFilters())
    top = result.rows[0]
    assert top.worker.id == world.a.worker.id
    assert top.explanation.total == matching.explain(world.a.worker.id, welding.id, statuses=("available",)).total
    assert top.explanation.skill == 1.0 and top.explanation.training == 1.0
    assert "holds_certificate" in [key for key, _ in top.explanation.reasons]


def test_a_candidate_row_carries_only_what_the_enterprise_may_see(world, welding):
    world.a.worker.name = "欧阳小明"
    db.session.commit()
    top = rankings.candidates_for(world.a.employer, welding.id, rankings.CandidateFilters()).rows[0]
    w = world.a.worker
    assert top.worker == rankings.CandidateWorker(w.id, "欧", w.sex, w.education, w.birth_date, w.home_region_id)
    for hidden in ("id_number_enc", "id_number_masked", "phone_enc", "phone_masked"):  # never read for the page
        assert not hasattr(top.worker, hidden)
    assert top.home == rankings.regions.home_place(w.home_region_id)


def test_a_new_ledger_entry_ranks_at_the_next_query_without_a_rebuild(world, welding):
    rankings.candidates_for(world.a.employer, welding.id, rankings.CandidateFilters())
    index_before = matching.current().index
    worker = add_to_ledger(world.a.coordinator, world.a.village,
                           LedgerEntry(name="新人", id_number=id_number(birth=date(1995, 1, 1), serial=321)))
    result = rankings.candidates_for(world.a.employer, welding.id, rankings.CandidateFilters())
    assert worker.id in [r.worker.id for r in result.rows]
    assert matching.current().index is index_before
    # Missing data is never agreement: the newcomer has no skills recorded and ranks below the welder.
    newcomer = next(r for r in result.rows if r.worker.id == worker.id)
    assert newcomer.explanation.skill == 0 and result.rows[0].worker.id == world.a.worker.id


def test_another_enterprise_cannot_see_the_candidates(world, welding):
    with pytest.raises(Forbidden):  # the published vacancy is public; its candidates are not
        rankings.candidates_for(world.b.employer, welding.id, rankings.CandidateFilters())


def test_a_bad_distance_filter_is_refused_with_a_message(world, welding):
    with pytest.raises(DomainError) as e:
        rankings.candidates_for(world.a.employer, welding.id, rankings.CandidateFilters(max_km=-3))
    assert e.value.field == "max_km"


def test_seeker_gets_vacancies_ranked_for_their_record(world, welding):
    rows = rankings.vacancies_for(world.a.seeker)
    assert [r.vacancy.id for r in rows] == [welding.id]
    assert rows[0].explanation.total == matching.explain(world.a.worker.id, welding.id, statuses=("available",)).total


def test_pages_show_scores_and_reasons(world, welding, login):
    page = login(world.a.employer).get(f"/enterprise/vacancies/{welding.id}/candidates").get_data(as_text=True)
    assert "推荐候选人" in page and "持有" in page and "焊工" in page
    assert world.a.worker.name not in page  # masked until a referral exists
    assert world.a.worker.name[0] + "*" in page
    bad = login(world.a.employer).get(f"/enterprise/vacancies/{welding.id}/candidates?max_km=-1")
    assert bad.status_code == 200 and "距离应在" in bad.get_data(as_text=True)
    seeker = login(world.a.seeker).get("/seeker/recommended").get_data(as_text=True)
    assert "为我推荐" in seeker and "焊工" in seeker and "分" in seeker
    assert login(world.b.employer).get(f"/enterprise/vacancies/{welding.id}/candidates").status_code == 403


@pytest.fixture
def crowd(world, welding):
    """Welders of village A at levels 1–4 (five each), on top of the world's own workers."""
    trade = welding.trades[0].trade
    workers = []
    for i in range(20):
        w = make_worker(world.a.village, name=f"焊工{i}", birth=date(1985, 1, 1 + i), radius="county")
        db.session.add(WorkerSkill(worker=w, trade=trade, level=1 + i % 4))
        workers.append(w)
    db.session.commit()
    return workers


def test_pages_of_candidates_follow_the_ranking_without_gaps_or_repeats(world, crowd):
    vacancy_id = db.session.scalar(select(Vacancy.id))
    whole = rankings.candidates_for(world.a.employer, vacancy_id, rankings.CandidateFilters(), k=50)
    assert len(whole.rows) >= 21 and not whole.has_more
    pages = [rankings.candidates_for(world.a.employer, vacancy_id, rankings.CandidateFilters(), k=8, offset=o)
             for o in (0, 8, 16)]
    assert [r.worker.id for p in pages for r in p.rows] == [r.worker.id for r in whole.rows][:24]
    assert [(p.page, p.has_prev, p.has_next) for p in pages[:2]] == [(1, False, True), (2, True, True)]
    assert pages[2].has_next == (len(whole.rows) > 24)
    past = rankings.candidates_for(world.a.employer, vacancy_id, rankings.CandidateFilters(), k=8,
                                   offset=rankings.RANK_DEPTH_MAX)
    assert past.rows == [] and not past.has_next


def test_level_filter_keeps_those_with_the_skill_at_that_level_or_higher(world, crowd):
    vacancy_id = db.session.scalar(select(Vacancy.id))

    def shown(level):
        result = rankings.candidates_for(world.a.employer, vacancy_id, rankings.CandidateFilters(min_level=level))
        return {r.worker.id for r in result.rows}

    levels = {w.id: 1 + i % 4 for i, w in enumerate(crowd)} | {world.a.worker.id: 3}  # a certified level-3 welder
    for level in (2, 3, 4):
        assert shown(level) == {wid for wid, lv in levels.items() if lv >= level}
    assert shown(5) == set()
    assert world.b.worker.id in shown(None)  # no skill at all: shown only without the filter
    with pytest.raises(DomainError) as e:
        rankings.candidates_for(world.a.employer, vacancy_id, rankings.CandidateFilters(min_level=9))
    assert e.value.field == "min_level"


def test_county_filter_keeps_the_workers_of_that_county(world, crowd):
    vacancy_id = db.session.scalar(select(Vacancy.id))
    result = rankings.candidates_for(world.a.employer, vacancy_id, rankings.CandidateFilters(county=world.b.county.code))
    assert [r.worker.id for r in result.rows] == [world.b.worker.id]


def test_the_candidates_page_pages_and_keeps_its_filters(world, crowd, login, monkeypatch):
    from matchmaker.web import enterprise
    monkeypatch.setattr(enterprise, "CANDIDATES_PER_PAGE", 5)
    vacancy_id = db.session.scalar(select(Vacancy.id))
    c = login(world.a.employer)
    first = c.get(f"/enterprise/vacancies/{vacancy_id}/candidates?min_level=2&county={world.a.county.code}")
    page = first.get_data(as_text=True)
    assert first.status_code == 200 and page.count('class="card candidate"') == 5
    assert f'<option value="{world.a.county.code}" selected>' in page and '<option value="2" selected>' in page
    assert "第 1 页" in page and "下一页" in page and "上一页" not in page
    link = f"/enterprise/vacancies/{vacancy_id}/candidates?page=2&amp;county={world.a.county.code}&amp;min_level=2"
    assert link in page
    second = c.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "上一页" in second and '<span class="rank">6.</span>' in second
    # 16 welders at level ≥ 2 (15 of the crowd and the certified one): page 4 holds the last one
    last = c.get(f"/enterprise/vacancies/{vacancy_id}/candidates?page=4&min_level=2").get_data(as_text=True)
    assert last.count('class="card candidate"') == 1 and "下一页" not in last
    odd = c.get(f"/enterprise/vacancies/{vacancy_id}/candidates?page=-3&min_level=x")
    assert odd.status_code == 200 and "第 1 页" in odd.get_data(as_text=True)


def test_the_minimum_skill_level_is_offered_only_for_a_vacancy_that_names_trades(world, welding, login):
    labour = Vacancy(enterprise=world.a.enterprise, title="普工", site_county=world.a.county, longitude=115.05,
                     latitude=24.02, headcount=2, wage_min=4000, wage_max=5000, status="open", age_max=55)
    db.session.add(labour)
    db.session.commit()
    c = login(world.a.employer)
    for vacancy, offered in ((welding, True), (labour, False)):
        for page in (1, 99):  # past the deepest page too
            html = c.get(f"/enterprise/vacancies/{vacancy.id}/candidates?page={page}").get_data(as_text=True)
            assert ('name="min_level"' in html) is offered, (vacancy.title, page)
    # The trades the vacancy names come from the index, kept up to date with the vacancy.
    labour.trades.append(VacancyTrade(trade=welding.trades[0].trade, min_level=1))
    matching.note_change("vacancy", labour.id)
    db.session.commit()
    assert rankings.candidates_for(world.a.employer, labour.id, rankings.CandidateFilters()).requires_trades
    assert 'name="min_level"' in c.get(f"/enterprise/vacancies/{labour.id}/candidates").get_data(as_text=True)
