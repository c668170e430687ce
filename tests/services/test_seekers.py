"""The seeker's own use cases: a record of their own, the profile in steps (own record only), and vacancies
searched, filtered and ranked for them."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, Referral, User, Vacancy, VacancyTrade, Worker
from matchmaker.services import ledger_links, referrals, seekers
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from matchmaker.services.workers import LedgerEntry
from tests.factories import id_number, make_trade, make_user


@pytest.fixture
def newcomer(world):
    user = make_user("seeker", login="13900003333")
    db.session.commit()
    return user


def _vacancy(side, title, trade=None, level=1, wage=(4000, 5000), housing=False, training="none", lon=115.05):
    v = Vacancy(enterprise=side.enterprise, title=title, site_county=side.county, longitude=lon, latitude=24.02,
                headcount=3, wage_min=wage[0], wage_max=wage[1], status="open", age_max=55, housing=housing,
                training_mode=training)
    if trade is not None:
        v.trades.append(VacancyTrade(trade=trade, min_level=level))
    db.session.add(v)
    return v


@pytest.fixture
def board(world):
    """Four open vacancies: welding near A, general labour in A with housing, a trained job in B, and a draft."""
    welder = make_trade("6-18-02-04", "焊工")
    electrician = make_trade("6-31-01-03", "电工")
    vs = {"weld": _vacancy(world.a, "焊工", welder, wage=(6000, 8000)),
          "labour": _vacancy(world.a, "普工", housing=True, wage=(3800, 4500)),
          "electric": _vacancy(world.b, "电工", electrician, training="work_then_train", wage=(5000, 6500), lon=114.4),
          "draft": _vacancy(world.a, "草稿", welder)}
    vs["draft"].status = "draft"
    db.session.commit()
    return vs


# --- a record of one's own -------------------------------------------------------------------------------------

def test_a_seeker_creates_their_own_record_in_their_village(world, newcomer):
    number = id_number(birth=date(1995, 3, 8), sex="F", serial=77)
    worker = seekers.create_own_record(newcomer, world.a.village.region.code,
                                       LedgerEntry(name="自建", id_number=number, phone="13900003333", education=3))
    assert (worker.source, worker.home_region_id, worker.sex, worker.education) == ("self", world.a.village.region_id,
                                                                                    "F", 3)
    assert db.session.get(User, newcomer.id).worker_id == worker.id
    assert seekers.own_record(newcomer).id == worker.id
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.object_id, entry.detail["source"]) == ("worker.create", worker.id, "self")


def test_an_id_number_on_file_says_ask_your_village_without_saying_whose(world, newcomer):
    number = id_number(birth=date(1993, 1, 1), serial=88)
    seekers.create_own_record(make_user("seeker", login="13900004444"), world.b.village.region.code,
                              LedgerEntry(name="原主", id_number=number))
    before = db.session.scalar(select(func.count(Worker.id)))
    with pytest.raises(DomainError) as e:
        seekers.create_own_record(newcomer, world.a.village.region.code, LedgerEntry(name="冒名", id_number=number))
    message = e.value.message
    assert e.value.field == "id_number" and "请向户籍所在村申请关联" in message
    for secret in ("原主", world.b.village.region.name, "惠", "乙"):
        assert secret not in message
    assert db.session.scalar(select(func.count(Worker.id))) == before
    assert db.session.get(User, newcomer.id).worker_id is None


def test_an_invalid_id_number_is_refused_and_nothing_is_written(world, newcomer):
    with pytest.raises(DomainError) as e:
        seekers.create_own_record(newcomer, world.a.village.region.code,
                                  LedgerEntry(name="错号", id_number="44142419900517001"))
    assert e.value.field == "id_number"
    with pytest.raises(DomainError) as e:
        seekers.create_own_record(newcomer, "", LedgerEntry(name="无村", id_number=id_number(serial=90)))
    assert e.value.field == "village_code"
    assert db.session.get(User, newcomer.id).worker_id is None


def test_a_pending_link_request_or_a_linked_account_blocks_a_second_record(world, newcomer):
    ledger_links.request_link(newcomer, world.a.village.region.code, "工人甲")
    with pytest.raises(DomainError):
        seekers.create_own_record(newcomer, world.a.village.region.code,
                                  LedgerEntry(name="甲", id_number=id_number(serial=91)))
    with pytest.raises(DomainError):
        seekers.create_own_record(world.a.seeker, world.a.village.region.code,
                                  LedgerEntry(name="甲", id_number=id_number(serial=92)))
    with pytest.raises(Forbidden):
        seekers.create_own_record(world.a.coordinator, world.a.village.region.code,
                                  LedgerEntry(name="甲", id_number=id_number(serial=93)))


# --- profile steps ------------------------------------------------------------------------------------------------

def test_each_step_changes_only_its_own_fields(world):
    seeker, w = world.a.seeker, world.a.worker
    w.min_wage, w.education, w.poor_household = 4000, 3, True
    db.session.commit()
    seekers.set_radius(seeker, w.id, w.version, "province", True)
    w = db.session.get(Worker, w.id)
    assert (w.radius, w.willing_to_train, w.min_wage, w.education, w.poor_household) == ("province", True, 4000, 3,
                                                                                         True)
    seekers.set_min_wage(seeker, w.id, w.version, 5500)
    w = db.session.get(Worker, w.id)
    assert (w.min_wage, w.radius) == (5500, "province")
    start = date.today() + timedelta(days=10)
    seekers.set_availability(seeker, w.id, w.version, start, seeking=False)
    w = db.session.get(Worker, w.id)
    assert (w.available_from, w.status) == (start, "not_seeking")
    seekers.set_availability(seeker, w.id, w.version, None, seeking=True)
    assert db.session.get(Worker, w.id).status == "available"


def test_a_stale_version_or_bad_value_changes_nothing(world):
    seeker, w = world.a.seeker, world.a.worker
    old = w.version
    seekers.set_min_wage(seeker, w.id, old, 5000)
    with pytest.raises(DomainError):  # the form was built from the older version
        seekers.set_radius(seeker, w.id, old, "anywhere", False)
    w = db.session.get(Worker, w.id)
    with pytest.raises(DomainError) as e:
        seekers.set_radius(seeker, w.id, w.version, "moon", False)
    assert e.value.field == "radius"
    with pytest.raises(DomainError) as e:
        seekers.set_min_wage(seeker, w.id, w.version, 10 ** 6)
    assert e.value.field == "min_wage"
    assert (db.session.get(Worker, w.id).radius, db.session.get(Worker, w.id).min_wage) == ("city", 5000)


def test_not_seeking_is_refused_while_an_application_is_active_and_the_date_is_not_saved(world, board):
    seeker, w = world.a.seeker, world.a.worker
    referrals.apply(seeker, board["labour"].id, consent=True)
    w = db.session.get(Worker, w.id)
    assert w.status == "nominated"
    with pytest.raises(DomainError):
        seekers.set_availability(seeker, w.id, w.version, date.today() + timedelta(days=3), seeking=False)
    w = db.session.get(Worker, w.id)
    assert (w.status, w.available_from) == ("nominated", None)


def test_a_seeker_cannot_edit_another_persons_record(world):
    other = world.b.worker
    for call in (lambda: seekers.set_radius(world.a.seeker, other.id, other.version, "anywhere", False),
                 lambda: seekers.set_min_wage(world.a.seeker, other.id, other.version, 9000)):
        with pytest.raises(NotFound):
            call()
    assert db.session.get(Worker, other.id).radius == "city"


def test_a_changed_skill_moves_the_ranking_at_once(world, board):
    from matchmaker.services import workers
    seeker, w = world.a.seeker, world.a.worker
    before = {r.vacancy.id: r.explanation.skill
              for r in seekers.search_ranked(seeker, seekers.VacancyFilters(), 1).items}
    assert before[board["weld"].id] == 0  # no skills recorded: no agreement
    workers.add_skill(seeker, w.id, w.version, "焊工", 3)
    after = {r.vacancy.id: r.explanation for r in seekers.search_ranked(seeker, seekers.VacancyFilters(), 1).items}
    assert after[board["weld"].id].skill == 1.0
    assert seekers.search_ranked(seeker, seekers.VacancyFilters(), 1).items[0].vacancy.id == board["weld"].id


# --- vacancies ----------------------------------------------------------------------------------------------------

def _titles(page):
    return sorted(getattr(item, "vacancy", item).title for item in page.items)


def test_filters_by_trade_county_wage_housing_and_training(world, board):
    f = seekers.VacancyFilters
    assert _titles(seekers.search_by_date(f(), 1)) == ["普工", "焊工", "电工"]  # never the draft
    assert _titles(seekers.search_by_date(f(trade_text="焊工 "), 1)) == ["焊工"]  # typed, no code chosen
    assert _titles(seekers.search_by_date(f(trade_code="6-31-01-03"), 1)) == ["电工"]
    assert _titles(seekers.search_by_date(f(county=world.b.county.code), 1)) == ["电工"]
    assert _titles(seekers.search_by_date(f(min_wage=6000), 1)) == ["焊工", "电工"]
    assert _titles(seekers.search_by_date(f(housing=True), 1)) == ["普工"]
    assert _titles(seekers.search_by_date(f(training=True), 1)) == ["电工"]
    assert _titles(seekers.search_by_date(f(county=world.a.county.code, min_wage=5000), 1)) == ["焊工"]


def test_the_ranked_list_takes_the_same_filters_and_pages(world, board):
    seeker = world.a.seeker
    world.a.worker.radius = "anywhere"
    db.session.commit()
    from matchmaker.services import matching
    matching.note_change("worker", world.a.worker.id)
    everything = seekers.search_ranked(seeker, seekers.VacancyFilters(), 1)
    assert _titles(everything) == ["普工", "焊工", "电工"]
    assert all(r.explanation.vacancy_id == r.vacancy.id for r in everything.items)
    assert _titles(seekers.search_ranked(seeker, seekers.VacancyFilters(housing=True), 1)) == ["普工"]
    assert _titles(seekers.search_ranked(seeker, seekers.VacancyFilters(county=world.b.county.code), 1)) == ["电工"]
    assert _titles(seekers.search_ranked(seeker, seekers.VacancyFilters(trade_text="电工"), 1)) == ["电工"]
    first, second = (seekers.search_ranked(seeker, seekers.VacancyFilters(), p, per_page=2) for p in (1, 2))
    assert (first.total, first.pages, len(first.items), len(second.items)) == (3, 2, 2, 1)
    assert [r.vacancy.id for r in first.items + second.items] == [r.vacancy.id for r in everything.items]


def test_housing_and_training_filters_look_past_the_ranked_pool(world, board):
    """The engine applies them, so a vacancy further down the ranking is still found: with a pool of one, only
    the best vacancy used to be looked at, and it offers no training."""
    seeker = world.a.seeker
    world.a.worker.radius = "anywhere"
    db.session.commit()
    from matchmaker.services import matching
    matching.note_change("worker", world.a.worker.id)
    everything = seekers.search_ranked(seeker, seekers.VacancyFilters(), 1)
    assert everything.items[0].vacancy.title != "电工" and len(everything.items) == 3
    f = seekers.VacancyFilters
    assert _titles(seekers.search_ranked(seeker, f(housing=True), 1, pool=1)) == ["普工"]
    assert _titles(seekers.search_ranked(seeker, f(training=True), 1, pool=1)) == ["电工"]


def test_the_ranked_list_never_shows_a_vacancy_closed_meanwhile(world, board):
    """Without a wage, housing or training filter the engine's ranking is used as it is; a vacancy closed in the
    database but not yet in this process's index (a change not seen yet) is still left out of the page."""
    from sqlalchemy import update

    from matchmaker.models import Vacancy
    seeker = world.a.seeker
    world.a.worker.radius = "anywhere"
    db.session.commit()
    from matchmaker.services import matching
    matching.note_change("worker", world.a.worker.id)
    assert "焊工" in _titles(seekers.search_ranked(seeker, seekers.VacancyFilters(), 1))
    db.session.execute(update(Vacancy).where(Vacancy.id == board["weld"].id).values(status="closed"))
    db.session.commit()  # no change noted: the index still believes it open
    assert _titles(seekers.search_ranked(seeker, seekers.VacancyFilters(), 1)) == ["普工", "电工"]


def test_an_unknown_trade_or_bad_wage_is_a_clear_refusal(world, board):
    with pytest.raises(DomainError) as e:
        seekers.search_by_date(seekers.VacancyFilters(trade_text="宇宙飞船驾驶"), 1)
    assert e.value.field == "trade" and "宇宙飞船驾驶" in e.value.message
    with pytest.raises(DomainError) as e:
        seekers.search_ranked(world.a.seeker, seekers.VacancyFilters(min_wage=-1), 1)
    assert e.value.field == "min_wage"


def test_an_unlinked_seeker_gets_no_ranking_but_can_browse(world, board, newcomer):
    assert seekers.search_ranked(newcomer, seekers.VacancyFilters(), 1).items == []
    assert seekers.search_by_date(seekers.VacancyFilters(), 1).total == 3
    view = seekers.vacancy_for(newcomer, board["weld"].id)
    assert (view.explanation, view.referral) == (None, None)


def test_the_vacancy_page_has_the_score_and_the_seekers_own_application(world, board):
    seeker = world.a.seeker
    view = seekers.vacancy_for(seeker, board["labour"].id)
    assert view.explanation.vacancy_id == board["labour"].id and view.referral is None
    referral = referrals.apply(seeker, board["labour"].id, consent=True)
    view = seekers.vacancy_for(seeker, board["labour"].id)
    assert (view.referral.id, view.referral.status) == (referral.id, "submitted")
    # Another seeker sees the vacancy but not this application.
    assert seekers.vacancy_for(world.b.seeker, board["labour"].id).referral is None
    with pytest.raises(NotFound):  # drafts are not published
        seekers.vacancy_for(seeker, board["draft"].id)
    assert db.session.scalar(select(func.count(Referral.id))) == 1


def test_the_county_filter_offers_the_counties_with_an_open_vacancy(world, board):
    """Read from the matching index (no scan of the vacancies); a vacancy closed leaves it at once."""
    from matchmaker.services import vacancies
    assert [code for code, _label in seekers.counties_with_vacancies()] == sorted(
        [world.a.county.code, world.b.county.code])
    vacancies.close(world.b.employer, board["electric"].id)
    assert [code for code, _label in seekers.counties_with_vacancies()] == [world.a.county.code]
