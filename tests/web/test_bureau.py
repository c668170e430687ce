"""A bureau registers organisations of its region and invites their staff."""
import re

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Enterprise, User, Village
from tests.factories import credit_code


def test_register_enterprise_validates_the_credit_code(world, login):
    c = login(world.a.county_bureau)
    bad = credit_code(serial=5)
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    r = c.post("/bureau/enterprises/new", data={"name": "新企业", "credit_code": bad, "county_code": "441424"})
    assert "统一社会信用代码校验位错误" in r.get_data(as_text=True)
    assert "新企业" in r.get_data(as_text=True)  # what the user typed is kept
    assert db.session.scalar(select(func.count(Enterprise.id)).where(Enterprise.name == "新企业")) == 0
    r = c.post("/bureau/enterprises/new", data={"name": "新企业", "credit_code": credit_code(serial=5),
                                                "county_code": "441424", "industry": "电子"})
    assert r.status_code == 302
    assert db.session.scalar(select(Enterprise).where(Enterprise.name == "新企业")).county.code == "441424"


def test_bureau_cannot_register_outside_its_region(world, login):
    c = login(world.a.county_bureau)
    r = c.post("/bureau/enterprises/new", data={"name": "外地企业", "credit_code": credit_code(),
                                                "county_code": "441302"})
    page = r.get_data(as_text=True)
    # A refusal beside the county, on the form as typed: not an error page that loses it.
    assert r.status_code == 200 and "不在您的管辖范围内" in page and 'value="外地企业"' in page
    assert db.session.scalar(select(func.count(Enterprise.id)).where(Enterprise.name == "外地企业")) == 0


def test_invitation_creates_a_staff_account_once(world, login, app):
    bureau = login(world.a.county_bureau)
    r = bureau.post(f"/bureau/invite/village/{world.a.village.id}", data={"display_name": "陈协调"})
    link = re.search(r'value="(http[^"]+/invite/[^"]+)"', r.get_data(as_text=True)).group(1)
    path = link.split("localhost", 1)[1]
    newcomer = app.test_client()
    assert "村级协调员" in newcomer.get(path).get_data(as_text=True)
    r = newcomer.post(path, data={"login": "chen.xt", "display_name": "陈协调", "password": "village-ledger-1"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/village/")
    user = db.session.scalar(select(User).where(User.login == "chen.xt"))
    assert user.role == "coordinator" and user.village_id == world.a.village.id
    again = app.test_client().get(path)
    assert again.status_code == 400 and "无效或已被使用" in again.get_data(as_text=True)


def test_bureau_cannot_invite_into_another_region(world, login):
    r = login(world.a.county_bureau).post(f"/bureau/invite/enterprise/{world.b.enterprise.id}")
    assert r.status_code == 404


def test_register_village_by_code(world, login):
    from tests.factories import region
    town = world.a.village.region.parent
    region("441424101202", "五华县新村", "village", town)
    db.session.commit()
    c = login(world.a.county_bureau)
    r = c.post("/bureau/villages/new", data={"village_code": "441424101202"})
    assert r.status_code == 302
    assert db.session.scalar(select(func.count(Village.id))) == 3
    r = c.post("/bureau/villages/new", data={"village_code": "441424101202"})
    assert "已在平台登记" in r.get_data(as_text=True)


def test_a_bureau_invites_a_county_bureau_inside_its_region_only(world, login, app):
    province = login(world.province_bureau)
    r = province.post("/bureau/invite-bureau", data={"region_code": "441424", "display_name": "县局"})
    link = re.search(r'value="(http[^"]+/invite/[^"]+)"', r.get_data(as_text=True)).group(1)
    path = link.split("localhost", 1)[1]
    r = app.test_client().post(path, data={"login": "wuhua.hrss", "display_name": "县局", "password": "county-bureau-9"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/bureau/")
    user = db.session.scalar(select(User).where(User.login == "wuhua.hrss"))
    assert user.role == "bureau" and user.region.code == "441424"
    # A county bureau cannot invite for another county; a city invitation takes the county's city.
    county = login(world.a.county_bureau)
    refused = county.post("/bureau/invite-bureau", data={"region_code": "441302"})
    assert "无权" in refused.get_data(as_text=True)
    city = province.post("/bureau/invite-bureau", data={"region_code": "441302", "city_level": "y"})
    assert "惠州市" in city.get_data(as_text=True)
