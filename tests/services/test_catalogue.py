"""Reference data a bureau keeps: county zones (province only), parks, trade aliases that the normaliser uses."""
import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, MatchingChange, Park, Region, TradeAlias
from matchmaker.services import catalogue, matching
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from tests.factories import make_trade


def _last(action):
    return db.session.scalar(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
                             .limit(1))


def test_a_zone_change_is_the_provinces_audited_and_reaches_the_ranking_context(world):
    matching.current()
    assert matching.current().index.ctx.zones["441424"] == "output"
    catalogue.set_zone(world.province_bureau, world.a.county.id, "nearby")
    assert db.session.get(Region, world.a.county.id).zone == "nearby"
    assert _last("region.zone").detail == {"old": "output", "new": "nearby"}
    assert matching.current().index.ctx.zones["441424"] == "nearby"
    with pytest.raises(Forbidden):
        catalogue.set_zone(world.a.county_bureau, world.a.county.id, "output")
    with pytest.raises(DomainError) as e:
        catalogue.set_zone(world.province_bureau, world.a.county.id, "desert")
    assert e.value.field == "zone"
    with pytest.raises(NotFound):  # a village is not a county
        catalogue.set_zone(world.province_bureau, world.a.village.region.id, "output")
    assert db.session.get(Region, world.a.county.id).zone == "nearby"


def test_a_county_bureau_adds_a_park_in_its_county_but_not_a_key_park(world):
    with pytest.raises(DomainError) as e:
        catalogue.save_park(world.a.county_bureau, None, "五华新园", "441424", key_park=True)
    assert e.value.field == "key_park"
    with pytest.raises(DomainError) as e:
        catalogue.save_park(world.a.county_bureau, None, "惠城新园", "441302")
    assert e.value.field == "county_code"
    with pytest.raises(DomainError) as e:
        catalogue.save_park(world.a.county_bureau, None, "五华新园", "441424", longitude="115.2", latitude="")
    assert e.value.field == "longitude"
    assert db.session.scalar(select(func.count(Park.id))) == 0
    park = catalogue.save_park(world.a.county_bureau, None, " 五华新园 ", "441424", leading_industries="电子；五金")
    assert (park.code, park.name, park.county_id, park.key_park) == ("P001", "五华新园", world.a.county.id, False)
    assert (park.longitude, park.latitude) == (world.a.county.longitude, world.a.county.latitude)
    park = catalogue.save_park(world.province_bureau, park.id, "五华新园", "441424", key_park=True,
                               longitude="115.3", latitude="23.9")
    assert park.key_park and park.longitude == 115.3
    assert _last("park.update").detail["changes"]["key_park"] == [False, True]
    with pytest.raises(NotFound):
        catalogue.load_park(world.b.county_bureau, park.id)


def test_an_alias_is_used_by_the_normaliser_at_once_and_removing_it_stops_that(world):
    make_trade("6-18-02-04", "焊工")
    assert matching.current().catalogue.normalise("烧焊师傅").code is None
    alias = catalogue.add_alias(world.province_bureau, "焊工", "烧焊师傅")
    assert (alias.trade.code, alias.source) == ("6-18-02-04", "bureau")
    assert _last("trade_alias.add").detail == {"alias": "烧焊师傅", "trade": "6-18-02-04"}
    assert db.session.scalars(select(MatchingChange.kind)).all()[-1] == "rebuild"
    assert matching.current().catalogue.normalise("烧焊师傅").code == "6-18-02-04"
    with pytest.raises(DomainError, match="已存在"):
        catalogue.add_alias(world.province_bureau, "6-18-02-04", "烧焊师傅")
    catalogue.remove_alias(world.province_bureau, alias.id)
    assert matching.current().catalogue.normalise("烧焊师傅").code is None
    assert _last("trade_alias.remove").object_id == alias.id


def test_alias_input_is_checked_and_only_the_province_keeps_aliases(world):
    make_trade("6-31-01-03", "电工")
    with pytest.raises(DomainError) as e:
        catalogue.add_alias(world.province_bureau, "不存在的工种", "电焊")
    assert e.value.field == "trade_code"
    with pytest.raises(DomainError, match="标准名称"):  # 焊工 is a trade of its own
        catalogue.add_alias(world.province_bureau, "电工", "焊工")
    with pytest.raises(DomainError) as e:
        catalogue.add_alias(world.province_bureau, "电工", "   ")
    assert e.value.field == "alias"
    with pytest.raises(Forbidden):
        catalogue.add_alias(world.a.county_bureau, "电工", "电师傅")
    assert db.session.scalar(select(func.count(TradeAlias.id))) == 0
