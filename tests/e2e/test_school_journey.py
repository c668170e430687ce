"""The school's journey on the demo data in a real browser (校园对接产业园): the school proposes a link to a park,
the bureau approves it (its service, as its page does), the school opens an order class with an enterprise in the
park (trade picker), enrols an existing student and a new one (region cascade), records training with a skill
appraisal, and graduates the class into placements through the review page. At 1280 and 360 px, no sideways
scroll, screenshots of each step."""
from datetime import date

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import (Certificate, Enterprise, OrderClass, Park, ParkSchoolLink, Placement, School,
                               Trade, TrainingRecord, User, Vacancy, VacancyTrade, Worker)
from matchmaker.services import matching, schools
from tests.e2e.conftest import fits, screenshot, sign_in
from tests.factories import id_number


def _check(stmt):
    """Read, then end the read at once: on SQLite an open read would block the live server's next write."""
    value = db.session.scalar(stmt)
    db.session.rollback()
    return value


def _prepare(k: int) -> tuple[int, int, int, str]:
    """A park the demo school has no link with yet, an enterprise placed in it with an open vacancy of 5 places,
    and a village to be a new student's home. Returns (park id, enterprise id, vacancy id, village name)."""
    school = db.session.scalar(select(School).join(User, User.school_id == School.id).where(User.login == "school"))
    linked = select(ParkSchoolLink.park_id).where(ParkSchoolLink.school_id == school.id)
    park = db.session.scalars(select(Park).where(Park.id.not_in(linked)).order_by(Park.id)).all()[k]
    enterprise = db.session.scalars(select(Enterprise).where(Enterprise.park_id.is_(None))
                                    .order_by(Enterprise.id)).all()[k]
    enterprise.park_id = park.id
    vacancy = Vacancy(enterprise=enterprise, title=f"订单班焊工{k}", site_county=park.county, site_park_id=park.id,
                      headcount=5, wage_min=4500, wage_max=6500, status="open", age_max=55)
    vacancy.trades.append(VacancyTrade(trade=db.session.scalar(select(Trade).where(Trade.code == "6-18-02-04")),
                                       min_level=2))
    db.session.add(vacancy)
    db.session.flush()
    matching.note_change("vacancy", vacancy.id)
    coordinator = db.session.scalar(select(User).where(User.login == "coordinator"))
    ids = (park.id, enterprise.id, vacancy.id, coordinator.village.region.name)
    db.session.commit()
    return ids


def page_park_name(park_id: int) -> str:
    return _check(select(Park.name).where(Park.id == park_id))


def _pick_trade(page, typed="电焊", name="焊工"):
    page.locator(".trade-row input.trade-input").fill(typed)
    page.locator(".trade-suggestions button", has_text=name).first.click()
    assert page.locator(".trade-row input.trade-code").input_value() == "6-18-02-04"


@pytest.mark.parametrize("width", [1280, 360])
def test_school_links_opens_a_class_enrols_trains_and_graduates(demo_site, page_at, width):
    k = 0 if width == 1280 else 1
    park_id, enterprise_id, vacancy_id, village_name = _prepare(k)
    page = page_at(width)
    sign_in(page, demo_site, "school")
    fits(page, width)

    # 1. Propose a link to the park, with a branch campus.
    page.goto(demo_site + "/school/links")
    page.select_option("#park_id", str(park_id))
    page.check("#branch_campus")
    page.fill("#branch_address", "园区大道 8 号实训楼")
    screenshot(page, f"school-links-{width}", full_page=False)
    with page.expect_navigation():
        page.click("form[method=post] button.primary")
    assert "等待人社部门确认" in page.content()
    fits(page, width)
    link_id = _check(select(ParkSchoolLink.id).where(ParkSchoolLink.park_id == park_id,
                                                     ParkSchoolLink.status == "proposed"))

    # 2. The bureau approves (the service its approvals page calls).
    bureau = db.session.scalar(select(User).where(User.login == "bureau"))
    schools.decide_link(bureau, link_id, True)
    db.session.rollback()

    # 3. Open an order class with the park's enterprise, reserving places in its vacancy.
    page.goto(demo_site + "/school/classes/new")
    page.fill("#name", f"焊工订单班{width}")
    page.select_option("#enterprise_id", str(enterprise_id))
    _pick_trade(page)
    page.fill("#intake", "2")
    page.select_option("#vacancy_id", str(vacancy_id))
    screenshot(page, f"school-new-class-{width}", full_page=False)
    with page.expect_navigation():
        page.click("form button.primary")
    assert "已开设订单班" in page.content()
    class_id = _check(select(OrderClass.id).where(OrderClass.name == f"焊工订单班{width}"))

    # 4. Enrol an existing student, then register a new one (home village by the region search) into the class.
    existing = page.locator("input[name=worker_ids]").first
    existing_id = int(existing.get_attribute("value"))
    existing.check()
    with page.expect_navigation():
        page.click("text=招收所选学员入班")
    assert "已招收 1 名学员入班" in page.content()
    with page.expect_navigation():
        page.click("text=登记新学员并入班")
    page.fill("#name", f"新学员{width}")
    page.fill("#id_number", id_number(birth=date(2005, 9, 1), serial=430 + k))
    page.fill("#phone", "13700001234")
    page.fill(".region-picker input[type=search]", village_name)
    page.click(".region-results button >> nth=0")
    assert len(page.input_value("#village_code")) == 12
    with page.expect_navigation():
        page.click("form button.primary")
    assert "并招收入班" in page.content()
    screenshot(page, f"school-class-{width}")
    fits(page, width)
    student_id = _check(select(Worker.id).where(Worker.name == f"新学员{width}"))

    # 5. Record the new student's course and skill appraisal.
    page.goto(demo_site + f"/school/training/new?worker_id={student_id}")
    page.fill("#course", "焊工（中级）订单培训")
    _pick_trade(page)
    page.select_option("#mode", "order")
    page.fill("#hours", "160")
    page.fill("#attendance_pct", "92")
    page.check("#completed")
    page.select_option("#cert_level", "2")
    page.fill("#cert_number", f"GD2026-{width}")
    screenshot(page, f"school-training-{width}", full_page=False)
    with page.expect_navigation():
        page.click("form button.primary")
    assert "并登记了鉴定证书" in page.content()
    fits(page, width)

    # 6. Graduate: the new student takes a place, the other did not graduate (with the reason).
    page.goto(demo_site + f"/school/classes/{class_id}")
    with page.expect_navigation():
        page.click("text=办理结业")
    rows = page.locator("fieldset.graduate-row")
    assert rows.count() == 2
    for i in range(2):
        row = rows.nth(i)
        if f"新学员{width}" in row.inner_text():
            row.locator("input[value='1']").check()
        else:
            row.locator("input[value='0']").check()
            row.locator("input[type=text]").fill("转入其他专业")
    page.fill("#monthly_wage", "5200")
    screenshot(page, f"school-graduate-review-{width}", full_page=False)
    fits(page, width)
    with page.expect_navigation():
        page.click("form button.primary")
    assert "1 人入职，1 人未结业" in page.content()
    screenshot(page, f"school-graduated-{width}")

    # 7. The demand view of the linked parks.
    page.goto(demo_site + "/school/demand")
    welders = page.locator("tr", has_text="焊工").filter(has_text=page_park_name(park_id))
    assert welders.count() == 1 and "4" in welders.locator("td").nth(3).inner_text()  # 5 places, 1 taken
    screenshot(page, f"school-demand-{width}")
    fits(page, width)

    placement = db.session.scalar(select(Placement).where(Placement.worker_id == student_id))
    assert (placement.vacancy_id, placement.channel, placement.monthly_wage) == (vacancy_id, "school_link", 5200)
    assert len(placement.follow_ups) == 4
    assert db.session.get(Vacancy, vacancy_id).filled == 1
    assert db.session.get(OrderClass, class_id).status == "graduated"
    assert db.session.get(Worker, student_id).status == "employed"
    assert db.session.get(Worker, existing_id).status == "available"
    assert db.session.scalar(select(func.count(Certificate.id)).join(TrainingRecord)
                             .where(Certificate.worker_id == student_id, TrainingRecord.certified)) == 1
    db.session.rollback()
