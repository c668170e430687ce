"""The public pages, language switch, error pages and headers."""
from matchmaker.extensions import db
from matchmaker.models import Vacancy


def test_home_says_what_the_platform_is_with_live_counts(world, client):
    db.session.add(Vacancy(enterprise=world.a.enterprise, title="普工", site_county=world.a.county, headcount=7,
                           filled=2, wage_min=4000, wage_max=5000, status="open"))
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "一企一村" in page and "平台实时数据" in page
    assert '<strong>5</strong><span>在招岗位人数' in page
    assert '<strong>2</strong><span>入驻企业' in page
    assert 'name="viewport"' in page and 'lang="zh-CN"' in page


def test_english_is_a_switch_away(client):
    r = client.post("/locale", data={"locale": "en", "next": "/"}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert 'lang="en"' in page and "Live figures" in page


def test_missing_objects_and_pages_get_a_404_page_not_a_500(client):
    r = client.get("/no-such-page")
    assert r.status_code == 404 and "页面不存在" in r.get_data(as_text=True)


def test_security_headers(client):
    r = client.get("/")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cache-Control"] == "no-store"


def test_region_cascade_lists_children_and_finds_by_pinyin(world, client):
    from matchmaker.models import Region
    county = db.session.query(Region).filter_by(code="441424").one()
    county.pinyin = "wh wuhuaxian"
    db.session.commit()
    cities = client.get("/regions/children").get_json()["items"]
    assert {c["name"] for c in cities} == {"梅州市", "惠州市"}
    counties = client.get("/regions/children?code=441400&level=city").get_json()["items"]
    assert [c["code"] for c in counties] == ["441424"]
    found = client.get("/regions/search?q=wuhua&level=county").get_json()["items"]
    assert found[0]["code"] == "441424" and "梅州市" in found[0]["path"]


def test_ledger_page_masks_personal_data(world, login):
    page = login(world.a.coordinator).get("/village/").get_data(as_text=True)
    assert world.a.worker.id_number_masked in page and "**********" in page
