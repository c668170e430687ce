"""As a new user would: each demo account signs in and lands on its page in Chinese, on a phone and a PC, with no
horizontal scroll; a bureau registers an enterprise through the region cascade."""

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Enterprise
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import credit_code

LANDING = {"bureau": "人社部门工作台", "enterprise": "推荐与申请", "coordinator": "劳动力台账",
           "school": "订单班", "13800138000": "最新岗位"}


@pytest.mark.parametrize("width", [360, 1280])
def test_every_demo_account_lands_on_its_page(demo_site, page_at, width):
    page = page_at(width)
    page.goto(demo_site + "/")
    assert "平台实时数据" in page.content()
    screenshot(page, f"home-{width}")
    for login, text in LANDING.items():
        sign_in(page, demo_site, login)
        page.wait_for_load_state()
        assert text in page.content(), login
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{login} scrolls sideways"
        screenshot(page, f"landing-{login}-{width}")
        page.click("text=退出")


def test_bureau_registers_an_enterprise_through_the_region_cascade(demo_site, page_at):
    page = page_at(360)
    sign_in(page, demo_site, "bureau")
    page.goto(demo_site + "/bureau/enterprises/new")
    page.fill("#name", "梅州示范电子有限公司")
    page.fill("#credit_code", credit_code(serial=4242))
    picker = page.locator(".region-picker")
    picker.locator("select").nth(0).select_option(label="梅州市")
    picker.locator("select").nth(1).select_option(label="五华县")
    page.fill("#industry", "电子信息")
    screenshot(page, "bureau-new-enterprise-360", full_page=False)
    page.click("button.primary")
    assert "登记成功" in page.content()
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.name == "梅州示范电子有限公司"))
    assert enterprise.county.code == "441424"


def test_region_search_by_pinyin(demo_site, page_at):
    page = page_at(1280)
    sign_in(page, demo_site, "bureau")
    page.goto(demo_site + "/bureau/enterprises/new")
    page.fill(".region-picker input[type=search]", "wuhua")
    page.click(".region-results button >> nth=0")
    assert page.input_value("#county_code") == "441424"
