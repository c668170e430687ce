"""Numbers in URLs, query strings and forms that no Integer column can hold — a user editing a link, a
scanner — get a 404 or the page's own message, never a 500 from the database driver (seen on both SQLite and
PostgreSQL before the bound)."""
import pytest

from matchmaker.extensions import db
from matchmaker.models import Vacancy

HUGE = "9" * 20  # > 2**63: neither SQLite nor PostgreSQL can bind it
VERY_HUGE = "9" * 5000  # int() itself refuses 4,300+ digits


@pytest.mark.parametrize("number", [HUGE, VERY_HUGE, str(2**31)])
def test_an_id_in_the_url_too_large_for_the_database_is_not_found(world, login, number):
    c = login(world.a.employer)
    assert c.get(f"/enterprise/vacancies/{number}/candidates").status_code == 404
    assert login(world.a.seeker).post(f"/invitations/{number}/accept").status_code == 404


@pytest.mark.parametrize("number", [HUGE, VERY_HUGE])
def test_a_page_number_too_large_reads_as_the_first_page(world, login, number):
    vacancy = Vacancy(enterprise=world.a.enterprise, title="普工", site_county=world.a.county, headcount=2,
                      wage_min=4000, wage_max=5000, status="open", age_max=55)
    db.session.add(vacancy)
    db.session.commit()
    assert login(world.a.seeker).get(f"/seeker/?page={number}").status_code == 200
    assert login(world.a.coordinator).get(f"/village/?page={number}").status_code == 200
    page = login(world.a.employer).get(f"/enterprise/vacancies/{vacancy.id}/candidates?page={number}")
    assert page.status_code == 200  # read as the first page
    assert login(world.a.coordinator).get(f"/notifications/?page={number}").status_code == 200


def test_an_id_in_a_form_too_large_for_the_database_gets_a_message(world, login):
    r = login(world.a.coordinator).post("/pairings/propose", data={"other_id": HUGE})
    assert r.status_code < 500
