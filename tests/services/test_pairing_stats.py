"""Pairing figures by year: referrals made that year, placements started that year, and of that year's placements
those still employed at their 6-month follow-up — against the annual target; checked against independent counts."""
from datetime import date, datetime, timedelta, timezone

import pytest

from matchmaker.extensions import db
from matchmaker.models import FollowUp, Pairing, Placement, Referral, Vacancy
from matchmaker.services import pairings
from tests.factories import make_worker

YEAR = date.today().year


@pytest.fixture
def history(world):
    """Pairing A (enterprise A × village A, target 10) with two years of referrals and placements; the same
    enterprise's hires from village B and village A's hires by enterprise B must not count."""
    a, b = world.a, world.b
    pairing = Pairing(enterprise=a.enterprise, village=a.village, status="active", annual_target=10)
    vacancy = Vacancy(enterprise=a.enterprise, title="普工", site_county=a.county, headcount=20, wage_min=4000,
                      wage_max=5000, status="open", age_max=55)
    elsewhere = Vacancy(enterprise=b.enterprise, title="普工", site_county=b.county, headcount=20, wage_min=4000,
                        wage_max=5000, status="open", age_max=55)
    db.session.add_all([pairing, vacancy, elsewhere])
    # (referral made in, placement started on or None, 6-month follow-up: still employed?)
    rows = [(YEAR - 1, date(YEAR - 1, 3, 1), True), (YEAR - 1, date(YEAR - 1, 11, 20), True),
            (YEAR - 1, date(YEAR, 1, 5), True),     # referred last year, placed this year: counts in both
            (YEAR, date(YEAR, 2, 1), True), (YEAR, date(YEAR, 2, 3), False), (YEAR, date(YEAR, 4, 1), None),
            (YEAR, None, None), (YEAR - 2, None, None)]
    for i, (referred_in, start, retained) in enumerate(rows):
        w = make_worker(a.village, name=f"工{i}")
        r = Referral(worker=w, vacancy=vacancy, channel="nomination", status="hired" if start else "submitted",
                     created_at=datetime(referred_in, 6, 1, tzinfo=timezone.utc))
        db.session.add(r)
        if start is not None:
            p = Placement(worker=w, vacancy=vacancy, enterprise_id=a.enterprise.id, start_date=start,
                          channel="pairing", transfer_type="local")
            p.follow_ups.append(FollowUp(due_month=6, due_on=start + timedelta(days=180), still_employed=retained))
            p.follow_ups.append(FollowUp(due_month=1, due_on=start + timedelta(days=30), still_employed=True))
            db.session.add(p)
    outsider = make_worker(b.village, name="外村")
    db.session.add(Referral(worker=outsider, vacancy=vacancy, channel="application", status="hired"))
    p = Placement(worker=outsider, vacancy=vacancy, enterprise_id=a.enterprise.id, start_date=date(YEAR, 2, 1),
                  channel="open_market", transfer_type="in_province")
    p.follow_ups.append(FollowUp(due_month=6, due_on=date(YEAR, 8, 1), still_employed=True))
    db.session.add(p)
    moved_on = make_worker(a.village, name="去了别家")
    db.session.add(Referral(worker=moved_on, vacancy=elsewhere, channel="nomination", status="hired"))
    db.session.add(Placement(worker=moved_on, vacancy=elsewhere, enterprise_id=b.enterprise.id,
                             start_date=date(YEAR, 3, 1), channel="open_market", transfer_type="in_province"))
    db.session.commit()
    return pairing, rows


def _expected(rows, year):
    return (sum(1 for made, _s, _r in rows if made == year),
            sum(1 for _m, start, _r in rows if start and start.year == year),
            sum(1 for _m, start, kept in rows if start and start.year == year and kept))


@pytest.mark.parametrize("offset", [0, 1, 2])
def test_figures_for_a_year_match_independent_counts(world, history, offset):
    pairing, rows = history
    year = YEAR - offset
    s = pairings.stats(pairing, year)
    assert (s.nominated, s.hired, s.retained_6m) == _expected(rows, year)
    assert s.target == 10 and s.year == year


def test_the_years_are_what_the_rows_say(world, history):
    pairing, _rows = history
    assert (pairings.stats(pairing, YEAR).nominated, pairings.stats(pairing, YEAR).hired,
            pairings.stats(pairing, YEAR).retained_6m) == (4, 4, 2)
    assert (pairings.stats(pairing, YEAR - 1).nominated, pairings.stats(pairing, YEAR - 1).hired) == (3, 2)
    assert pairings.stats(pairing, YEAR).progress == pytest.approx(0.4)
    # Without a year: everything, and no progress against an annual target.
    whole = pairings.stats(pairing)
    assert (whole.nominated, whole.hired, whole.retained_6m, whole.progress) == (8, 6, 4, None)


def test_many_pairings_in_one_call_keep_apart(world, history):
    pairing, rows = history
    other = Pairing(enterprise=world.b.enterprise, village=world.a.village, status="active", annual_target=3)
    db.session.add(other)
    db.session.commit()
    many = pairings.stats_many([pairing, other], YEAR)
    assert (many[pairing.id].nominated, many[pairing.id].hired) == _expected(rows, YEAR)[:2]
    # Village A's one referral to enterprise B was made today, and its hire started this year.
    assert (many[other.id].nominated, many[other.id].hired, many[other.id].retained_6m) == (1, 1, 0)
    assert pairings.stats(other, YEAR - 1).nominated == 0


def test_the_year_asked_for_is_checked(world):
    assert pairings.stats_year(str(YEAR - 1)) == YEAR - 1
    for raw in (None, "", "abc", "1999", str(YEAR + 1), "20261"):
        assert pairings.stats_year(raw) == YEAR
    assert pairings.stats_years()[0] == YEAR and pairings.FIRST_STATS_YEAR in pairings.stats_years()


def test_the_pairings_page_shows_the_chosen_year(world, login, history):
    pairing, rows = history
    ent = login(world.a.employer)
    page = ent.get("/pairings/").get_data(as_text=True)
    assert f'<option value="{YEAR}" selected>' in page
    nominated, hired, retained = _expected(rows, YEAR)
    assert f"<strong>{hired}</strong><span>已入职</span>" in page and "完成 40%" in page
    last = ent.get(f"/pairings/?year={YEAR - 1}").get_data(as_text=True)
    nominated, hired, retained = _expected(rows, YEAR - 1)
    assert f'<option value="{YEAR - 1}" selected>' in last and f"<strong>{hired}</strong><span>已入职</span>" in last
    activities = login(world.a.coordinator).get(f"/pairings/{pairing.id}/activities?year={YEAR - 1}")
    text = activities.get_data(as_text=True)
    assert f"<strong>{nominated}</strong><span>已推荐</span>" in text and f'<option value="{YEAR - 1}" selected>' in text
