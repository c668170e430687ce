"""A job seeker's journey on the demo data in a real browser: signs up, asks their village to link their ledger
record (the coordinator confirms it in the same test), fills the profile steps, sees vacancies ranked for them with
reasons, filters, opens one, applies and sees the application's status; screenshots at 1280 and 360 px."""
from datetime import date

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Referral, Region, Trade, User, Worker, WorkerSkill
from matchmaker.services import demo, regions
from tests.e2e.conftest import fits, screenshot, sign_in

PASSWORD = "Seeker-pass-2026"


def _read(fn):
    """Read from the database, then end the read at once (an open SQLite read blocks the live server's writes)."""
    value = fn()
    db.session.rollback()
    return value


def _sign_out(page):
    with page.expect_navigation():
        page.click("text=退出")


def _ledger_record(taken: set[int]):
    """A worker of the demo coordinator's village, of working age, not linked to any account: the person signing
    up. Returns (worker id, name, region codes from the city down to the village)."""
    coordinator = db.session.scalar(select(User).where(User.login == "coordinator"))
    linked = set(db.session.scalars(select(User.worker_id).where(User.worker_id.is_not(None))))
    worker = db.session.scalar(
        select(Worker).where(Worker.home_region_id == coordinator.village.region_id, Worker.status == "available",
                             Worker.birth_date.between(date(1980, 1, 1), date(2002, 1, 1)),
                             Worker.id.not_in(linked | taken or {0}),
                             ~Worker.skills.any(WorkerSkill.trade.has(Trade.name == "焊工"))).order_by(Worker.id))
    village = db.session.get(Region, worker.home_region_id)
    codes = [r.code for r in regions.path(village)[1:]]  # city, county, town, village
    return worker.id, worker.name, codes


def test_seeker_signs_up_is_linked_fills_profile_sees_ranked_vacancies_and_applies(demo_site, page_at):
    taken: set[int] = set()
    for width in (1280, 360):
        worker_id, name, codes = _read(lambda: _ledger_record(taken))
        taken.add(worker_id)
        phone = f"1390000{width:04d}"
        page = page_at(width)

        # Sign up with a phone number and a password.
        page.goto(demo_site + "/signup")
        page.fill("#phone", phone)
        page.fill("#display_name", name)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("button.primary")
        assert "申请关联" in page.content()
        fits(page, width)

        # Ask the village to link the ledger record: the village chosen by the cascade 市 → 县 → 镇 → 村.
        with page.expect_navigation():
            page.click("text=已在村里登记：申请关联")
        for depth, code in enumerate(codes):
            select_box = page.locator(".region-picker select").nth(depth)
            select_box.locator(f"option[value='{code}']").wait_for(state="attached")
            select_box.select_option(code)
        assert page.locator("#village_code").input_value() == codes[-1]
        page.fill("#name", name)
        page.fill("#message", "浏览器测试")
        screenshot(page, f"seeker-link-request-{width}", full_page=False)
        fits(page, width)
        with page.expect_navigation():
            page.click("button.primary")
        assert "关联申请待确认" in page.content()
        _sign_out(page)

        # The village's coordinator finds the record by the name given and confirms it.
        sign_in(page, demo_site, "coordinator", demo.DEMO_PASSWORD)
        page.goto(demo_site + "/ledger-links/")
        with page.expect_navigation():
            page.locator(".link-request", has_text=name).locator("text=核实并处理").click()
        screenshot(page, f"coordinator-link-review-{width}", full_page=False)
        fits(page, width)
        with page.expect_navigation():
            page.locator(f"form:has(input[name=worker_id][value='{worker_id}']) button").click()
        assert "已将该账号与" in page.content()
        assert _read(lambda: db.session.scalar(select(User.worker_id).where(User.login == phone))) == worker_id
        _sign_out(page)

        # Back as the seeker: the profile in short steps.
        sign_in(page, demo_site, phone, PASSWORD)
        page.goto(demo_site + "/seeker/profile/skills")
        page.fill(".trade-input", "电焊")
        page.locator(".trade-suggestions button", has_text="焊工").first.click()
        page.select_option("select[name=level]", "3")
        screenshot(page, f"seeker-profile-skills-{width}", full_page=False)
        fits(page, width)
        with page.expect_navigation():
            page.click("text=添加技能")
        assert "已添加技能" in page.content()
        page.goto(demo_site + "/seeker/profile/where")
        page.check("input[name=radius][value=anywhere]")
        page.check("input[name=willing_to_train]")
        with page.expect_navigation():
            page.click("text=保存，下一步")
        page.fill("input[name=min_wage]", "3000")
        with page.expect_navigation():
            page.click("text=保存，下一步")
        with page.expect_navigation():
            page.click("section.profile-step button.primary")
        skills, radius, wage = _read(lambda: (lambda w: ([s.trade.name for s in w.skills], w.radius, w.min_wage))(
            db.session.get(Worker, worker_id)))
        assert ("焊工" in skills, radius, wage) == (True, "anywhere", 3000)

        # Ranked vacancies with their reasons, then a filter.
        page.goto(demo_site + "/seeker/recommended")
        cards = page.locator("article.vacancy")
        assert cards.count() > 0
        assert cards.first.locator(".score-total strong").inner_text().isdigit()
        assert cards.first.locator(".reasons li").count() > 0
        screenshot(page, f"seeker-recommended-{width}", full_page=False)
        fits(page, width)
        page.click("details.seeker-filters summary")
        page.fill("details.seeker-filters input[name=min_wage]", "3500")
        with page.expect_navigation():
            page.click("details.seeker-filters button.primary")
        assert "min_wage=3500" in page.url and page.locator("article.vacancy").count() > 0
        fits(page, width)

        # Open one, apply with consent, see the status.
        with page.expect_navigation():
            page.locator("article.vacancy").first.locator("text=查看详情并申请").click()
        assert "与您的匹配程度" in page.content()
        title = page.locator("h1").inner_text()
        page.check("input[name=consent]")
        screenshot(page, f"seeker-vacancy-{width}", full_page=False)
        fits(page, width)
        with page.expect_navigation():
            page.click("text=申请该岗位")
        assert "申请已提交" in page.content() and "撤回申请" in page.content()
        vacancy_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
        assert _read(lambda: db.session.scalar(select(Referral.status).where(
            Referral.worker_id == worker_id, Referral.vacancy_id == vacancy_id, Referral.channel == "application"))) \
            == "submitted"
        with page.expect_navigation():
            page.click("nav.topnav >> text=我的申请")
        assert page.locator("article.referral", has_text=title.split(" ")[0]).locator(".badge").first.inner_text() \
            == "已提交"
        screenshot(page, f"seeker-applications-{width}")
        fits(page, width)
        _sign_out(page)
