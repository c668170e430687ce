"""The real seed loads whole: Guangdong's cities, counties with zones, towns, villages, trades, parks, schools."""
from pathlib import Path

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Park, Region, Trade, TradeAlias
from matchmaker.services import seed

SEED = Path(__file__).resolve().parent.parent / "seed"


def test_seed_loads_the_province_and_is_idempotent(app):
    loaded = seed.load_all(SEED)
    assert loaded["city"] == 21
    assert loaded["county"] >= 122 and loaded["town"] >= 1700 and loaded["village"] >= 26000
    counts = seed.seed_counts()
    zones = counts["counties_by_zone"]
    assert set(zones) == {"output", "nearby", "aggregation", "optimisation"}
    assert sum(zones.values()) == loaded["county"]
    # Every county is in exactly one zone; the PRD core is the optimisation zone.
    tianhe = db.session.scalar(select(Region).where(Region.code == "440106", Region.level == "county"))
    assert tianhe.zone == "optimisation" and tianhe.parent.name == "广州市"
    conghua = db.session.scalar(select(Region).where(Region.code == "440117", Region.level == "county"))
    assert conghua.zone != "optimisation"
    assert counts["trades_by_level"][4] > 1500
    welder = db.session.scalar(select(Trade).where(Trade.code == "6-18-02-04"))
    assert welder.name == "焊工" and welder.parent.code == "6-18-02" and welder.parent.parent.code == "6-18"
    assert db.session.scalar(select(func.count(TradeAlias.id))) > 1000
    assert db.session.scalar(select(func.count(Park.id))) >= 10
    # Towns hang off their county, villages off their town, with coordinates.
    village = db.session.scalar(select(Region).where(Region.level == "village").limit(1))
    assert village.parent.level == "town" and village.parent.parent.level == "county"
    assert village.latitude is not None
    assert seed.load_all(SEED) == {}
