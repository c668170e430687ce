"""The bureau in a real browser on the demo data: approves a 一企一村 pairing, changes a score weight, and the
enterprise's ranked candidates change at once; shortage warnings and reference data at 1280 and 360 px."""

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Pairing, PolicySetting, User, Vacancy, VacancyTrade
from tests.e2e.conftest import fits, screenshot, sign_in


def _read(fn):
    """Read from the database, then end the read at once (an open SQLite read blocks the live server's writes)."""
    try:
        return fn()
    finally:
        db.session.rollback()


def _candidates(page, base, vacancy_id):
    page.goto(f"{base}/enterprise/vacancies/{vacancy_id}/candidates")
    names = page.locator("article h2").all_inner_texts()
    scores = page.locator(".score-total strong").all_inner_texts()
    return list(zip(names, scores))


def test_bureau_approves_a_pairing_and_a_weight_change_reorders_candidates(demo_site, page_at):
    vacancy_id = _read(lambda: db.session.scalar(
        select(Vacancy.id).join(VacancyTrade).join(User, User.enterprise_id == Vacancy.enterprise_id)
        .where(User.login == "enterprise", Vacancy.status == "open").order_by(Vacancy.id).limit(1)))
    assert vacancy_id is not None
    for width, w_location in ((1280, "3"), (360, "0.3")):
        enterprise = page_at(width)
        sign_in(enterprise, demo_site, "enterprise")
        before = _candidates(enterprise, demo_site, vacancy_id)
        assert len(before) >= 2

        bureau = page_at(width)
        sign_in(bureau, demo_site, "bureau")
        bureau.goto(demo_site + "/bureau/approvals")
        screenshot(bureau, f"bureau-approvals-{width}", full_page=False)
        fits(bureau, width)
        card = bureau.locator("article.pairing-approval").first
        title = card.locator("h3").inner_text()
        with bureau.expect_navigation():
            card.locator("button", has_text="审批通过").click()
        assert "结对已审批通过" in bureau.content()
        approved = _read(lambda: db.session.scalars(
            select(Pairing).join(User, Pairing.approved_by_id == User.id).where(User.login == "bureau")).all())
        assert any(p.enterprise.name in title for p in approved)
        assert all(p.status == "active" for p in approved)

        bureau.goto(demo_site + "/bureau/policy")
        bureau.fill("#w_location", w_location)
        bureau.fill("#note", f"浏览器测试 {width}")
        with bureau.expect_navigation():
            bureau.click("form.policy-form button[type=submit]")
        assert "排序即刻生效" in bureau.content()
        assert f"浏览器测试 {width}" in bureau.locator("#history").inner_text()
        screenshot(bureau, f"bureau-policy-{width}")
        fits(bureau, width)
        newest = _read(lambda: db.session.scalar(select(PolicySetting.w_location)
                                                 .order_by(PolicySetting.version.desc()).limit(1)))
        assert newest == float(w_location)

        after = _candidates(enterprise, demo_site, vacancy_id)
        assert after != before  # the same vacancy, the same workers: only the weights moved
        screenshot(enterprise, f"bureau-weights-candidates-{width}", full_page=False)

        bureau.goto(demo_site + "/bureau/shortages")
        assert bureau.locator("h1").inner_text() == "缺工预警"
        screenshot(bureau, f"bureau-shortages-{width}")
        fits(bureau, width)
        bureau.goto(demo_site + "/bureau/catalogue")
        fits(bureau, width)
        screenshot(bureau, f"bureau-catalogue-{width}", full_page=False)
        for path in ("/bureau/organisations", "/bureau/targets", "/bureau/parks/new", "/bureau/"):
            bureau.goto(demo_site + path)
            fits(bureau, width)
        screenshot(bureau, f"bureau-home-{width}", full_page=False)
