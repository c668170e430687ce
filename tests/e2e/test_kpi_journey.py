"""Browser journey on the demo data: the provincial bureau reads the KPI dashboard (charts drawn, numbers one
click away), drills province → city → county → village, and exports the dashboard to Excel; 1280 and 360 px."""
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, User
from tests.e2e.conftest import fits, screenshot, sign_in


def test_bureau_reads_drills_down_and_exports_the_kpi_dashboard(demo_site, page_at, tmp_path):
    city = db.session.scalar(select(User).where(User.login == "bureau.city")).region
    county = db.session.scalar(select(User).where(User.login == "bureau.county")).region
    city_name, county_name = city.name, county.name
    db.session.rollback()
    for width in (1280, 360):
        page = page_at(width)
        sign_in(page, demo_site, "bureau")
        with page.expect_navigation():
            page.click("text=就业指标")
        assert page.locator("h1").inner_text().startswith("广东省 · 就业指标")
        # Both charts are drawn by the vendored Chart.js, from the page's JSON block.
        page.wait_for_function("window.Chart && Chart.getChart('kpi-trend') && Chart.getChart('kpi-zones')")
        assert int(page.locator("[data-kpi=placements] .kpi-value").inner_text()) > 0
        assert page.locator("[data-kpi=pairing_transfers] progress").count() == 1
        # The trend's numbers are one click away.
        assert not page.locator("#kpi-months").is_visible()
        page.click("#kpi-trend-title ~ details summary")
        assert page.locator("#kpi-months tbody tr").count() == 12
        assert page.locator(".kpi-map circle").count() > 100
        fits(page, page.viewport_size["width"])
        screenshot(page, f"kpi-province-{width}")

        # Drill: province → city → county → village.
        with page.expect_navigation():
            page.locator("#kpi-children a", has_text=city_name).click()
        assert page.locator("h1").inner_text().startswith(f"{city_name} · 就业指标")
        with page.expect_navigation():
            page.locator("#kpi-children a", has_text=county_name).click()
        assert page.locator("h1").inner_text().startswith(f"{county_name} · 就业指标")
        assert page.locator(".kpi-trail a", has_text="广东省").count() == 1
        fits(page, page.viewport_size["width"])
        screenshot(page, f"kpi-county-{width}")
        village = page.locator("#kpi-children a").first
        village_name = village.inner_text()
        with page.expect_navigation():
            village.click()
        assert page.locator("h1").inner_text().startswith(f"{village_name} · 就业指标")

        # Back to the county, pick the year, colour the map by a KPI, export.
        with page.expect_navigation():
            page.locator(".kpi-trail a", has_text=county_name).click()
        with page.expect_navigation():
            page.select_option("#colour", "placements")
            page.click("#kpi-map-title ~ form button")
        assert page.locator("#colour").input_value() == "placements"
        with page.expect_download() as info:
            page.click("#kpi-export")
        path = tmp_path / f"kpi-{width}.xlsx"
        info.value.save_as(path)
        wb = load_workbook(BytesIO(path.read_bytes()), read_only=True)
        assert wb.sheetnames[:2] == ["指标", "下级地区"]
        assert wb["说明"]["B1"].value == county_name
    exports = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "kpi.export")).all()
    assert len(exports) == 2
    db.session.rollback()
