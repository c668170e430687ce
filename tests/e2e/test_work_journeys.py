"""Journeys on the demo data in a real browser: an enterprise posts a vacancy with the trade picker, the paired
village's coordinator imports a ledger file and nominates, the enterprise hires; screenshots at 1280 and 360 px."""
from datetime import date

from openpyxl import Workbook
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import JobInvitation, Placement, Referral, Vacancy, Worker
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import id_number


def _check(stmt):
    """Read from the database, then end the read at once: on SQLite an open read would block the live server's
    next write."""
    value = db.session.scalar(stmt)
    db.session.rollback()
    return value


def test_enterprise_posts_a_vacancy_coordinator_imports_and_nominates_enterprise_hires(demo_site, page_at, tmp_path):
    title = "电焊工（浏览器测试）"
    for width in (1280, 360):
        page = page_at(width)
        # The enterprise posts a vacancy, finding the trade by typing 电焊.
        sign_in(page, demo_site, "enterprise")
        page.goto(demo_site + "/enterprise/vacancies/new")
        page.fill("#title", f"{title}{width}")
        trade_input = page.locator(".trade-row input[type=text]").first
        trade_input.fill("电焊")
        page.locator(".trade-suggestions button", has_text="焊工").first.click()
        assert page.locator(".trade-row input[type=hidden]").first.input_value() == "6-18-02-04"
        page.fill("#headcount", "2")
        page.fill("#wage_min", "5000")
        page.fill("#wage_max", "7000")
        screenshot(page, f"enterprise-new-vacancy-{width}", full_page=False)
        with page.expect_navigation():
            page.click("button[name=publish]")
        assert "已发布" in page.content()
        vacancy = db.session.scalar(select(Vacancy).where(Vacancy.title == f"{title}{width}"))
        assert vacancy.status == "open" and [t.trade.name for t in vacancy.trades] == ["焊工"]
        vacancy_id = vacancy.id
        db.session.rollback()

        # Its ranked candidates, filtered to level 3 and up, paged; it invites the first with a note.
        page.goto(demo_site + f"/enterprise/vacancies/{vacancy_id}/candidates")
        page.select_option("select[name=min_level]", "3")
        with page.expect_navigation():
            page.click("form.filters button[type=submit]")
        assert "min_level=3" in page.url and page.locator("article.candidate").count() > 0
        first = page.locator("article.candidate").first
        first.locator("summary", has_text="邀请应聘").click()
        first.locator("textarea[name=note]").fill("欢迎来厂参观面试")
        screenshot(page, f"enterprise-candidates-{width}", full_page=False)
        with page.expect_navigation():
            first.locator("button", has_text="发送邀请").click()
        assert "已发出邀请" in page.content() and "min_level=3" in page.url
        assert page.locator("article.candidate").first.get_by_text("应聘邀请：待答复").count() == 1
        assert _check(select(func.count(JobInvitation.id)).where(JobInvitation.vacancy_id == vacancy_id)) == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.click("text=退出")

        # The coordinator of the paired village imports a ledger file, then nominates a worker.
        sign_in(page, demo_site, "coordinator")
        wb = Workbook()
        ws = wb.active
        ws.title = "劳动力台账"
        ws.append(["姓名", "身份证号", "手机号", "文化程度", "意向范围", "技能工种"])
        ws.append([f"浏览器{width}", id_number(birth=date(1992, 3, 3), serial=400 + width % 97), "13800001234",
                   "初中", "省内", "焊工:3"])
        path = tmp_path / f"ledger-{width}.xlsx"
        wb.save(path)
        page.goto(demo_site + "/village/import")
        page.set_input_files("input[type=file]", str(path))
        with page.expect_navigation():
            page.click("form button.primary")
        screenshot(page, f"coordinator-import-preview-{width}")
        with page.expect_navigation():
            page.click("text=确认导入")
        assert _check(select(func.count(Worker.id)).where(Worker.name == f"浏览器{width}")) == 1
        page.goto(demo_site + f"/referrals/nominate/{vacancy_id}")
        screenshot(page, f"coordinator-nominate-{width}", full_page=False)
        page.locator("input[name=worker_id]").first.check()
        page.check("input[name=consent]")
        with page.expect_navigation():
            page.click("text=推荐所选人员")
        assert "已推荐" in page.content()
        page.click("text=退出")

        # The enterprise moves the nomination on and hires.
        sign_in(page, demo_site, "enterprise")
        page.goto(demo_site + "/referrals/")
        referral_id = _check(select(Referral.id).where(Referral.vacancy_id == vacancy_id))
        for step in ("初选通过", "面试", "已录用通知"):
            with page.expect_navigation():
                page.locator(f"form[action='/referrals/{referral_id}/move'] button", has_text=step).click()
        with page.expect_navigation():
            page.locator(f"form[action='/referrals/{referral_id}/hire'] button").click()
        assert "已办理入职" in page.content()
        screenshot(page, f"enterprise-hired-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.click("text=退出")
    assert _check(select(func.count(Placement.id)).join(Vacancy).where(Vacancy.title.like(f"{title}%"))) == 2
