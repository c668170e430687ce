"""The demo province: reproducible, valid, and every demo account lands on its role's page in Chinese."""
from pathlib import Path

from sqlalchemy import func, select

from matchmaker.demo.population import generate
from matchmaker.extensions import db
from matchmaker.ids import validate_credit_code, validate_id_number
from matchmaker.models import Placement, Referral, Vacancy, Worker, WorkerSkill
from matchmaker.services import demo, pii, seed

SEED = Path(__file__).resolve().parent.parent / "seed"
LANDING = {"bureau": "人社部门工作台", "enterprise": "推荐与申请", "coordinator": "劳动力台账",
           "school": "订单班", "seeker": "最新岗位"}


def test_population_is_reproducible_and_valid():
    a, b = generate(500, 50, seed=3), generate(500, 50, seed=3)
    assert (a.workers["id_number"] == b.workers["id_number"]).all()
    assert len(set(a.workers["id_number"])) == 500
    for number, sex in zip(a.workers["id_number"], a.workers["sex"]):
        assert validate_id_number(number)[1] == sex
    for code in a.enterprises["credit_code"]:
        validate_credit_code(code)
    assert (a.vacancies["wage_max"] >= a.vacancies["wage_min"]).all()
    # Most workers come from the output and nearby zones (the plan's labour sources).
    assert (a.workers["zone"] != "optimisation").mean() > 0.8


def test_demo_accounts_land_on_their_pages(app):
    seed.load_all(SEED)
    report = demo.build_demo(300, 40, seed=7)
    assert db.session.scalar(select(func.count(Worker.id))) == 300
    assert db.session.scalar(select(func.count(Vacancy.id))) == 40
    assert db.session.scalar(select(func.count(WorkerSkill.id))) > 200
    assert db.session.scalar(select(func.count(Referral.id))) > 0
    assert db.session.scalar(select(func.count(Placement.id))) > 0
    worker = db.session.scalar(select(Worker).limit(1))
    assert validate_id_number(pii.decrypt(worker.id_number_enc))
    assert {role for role, _, _ in report["accounts"]} == set(LANDING)
    for role, login, _ in report["accounts"]:
        client = app.test_client()
        r = client.post("/login", data={"login": login, "password": demo.DEMO_PASSWORD}, follow_redirects=True)
        assert r.status_code == 200 and LANDING[role] in r.get_data(as_text=True), login
    assert demo.has_demo()
    # Vacancies never show more hires than places.
    assert not db.session.scalar(select(func.count(Vacancy.id)).where(Vacancy.filled > Vacancy.headcount))
