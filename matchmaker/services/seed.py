"""Loading the reference data in seed/ (regions with zones, trades with aliases, parks, schools).

Idempotent: a table that already holds rows is left alone, so `flask seed` can run on every start.
"""
from __future__ import annotations

import csv
from pathlib import Path

from pypinyin import Style, lazy_pinyin
from sqlalchemy import func, insert, select

from matchmaker.extensions import db
from matchmaker.models import Park, PolicySetting, Region, School, Trade, TradeAlias

# (level, file, column holding the parent's code, the parent's level)
REGION_FILES = (("province", "regions/province.csv", None, None), ("city", "regions/cities.csv", None, "province"),
                ("county", "regions/counties.csv", "city_code", "city"),
                ("town", "regions/towns.csv", "county_code", "county"),
                ("village", "regions/villages.csv", "town_code", "town"))


def read_csv(seed_dir: Path, name: str) -> list[dict]:
    with open(seed_dir / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _float(value: str) -> float | None:
    return float(value) if value not in ("", None) else None


def _pinyin(name: str) -> str:
    syllables = lazy_pinyin(name)
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
    return f"{initials} {''.join(syllables)}"[:200]


def _codes_to_ids(model, level_filter=None) -> dict[str, int]:
    query = select(model.code, model.id)
    if level_filter is not None:
        query = query.where(level_filter)
    return dict(db.session.execute(query).all())


def load_regions(seed_dir: Path) -> dict[str, int]:
    counts = {}
    for level, filename, parent_col, parent_level in REGION_FILES:
        parents = _codes_to_ids(Region, Region.level == parent_level) if parent_level else {}
        province_id = next(iter(parents.values()), None)
        rows = []
        for r in read_csv(seed_dir, filename):
            if parent_col is None:
                parent_id = province_id
            else:
                parent_id = parents[r[parent_col]]
            rows.append({"code": r["code"], "name": r["name"], "level": level, "parent_id": parent_id,
                         "longitude": _float(r.get("longitude")), "latitude": _float(r.get("latitude")),
                         "zone": r.get("zone") or None, "rural": r.get("rural") == "1",
                         # Villages are found through their town; pinyin for them would only bloat the table.
                         "pinyin": _pinyin(r["name"]) if level != "village" else ""})
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(Region), rows[start:start + 5000])
        counts[level] = len(rows)
    return counts


def load_trades(seed_dir: Path) -> dict[str, int]:
    rows = sorted(read_csv(seed_dir, "trades.csv"), key=lambda r: int(r["level"]))
    for level in (1, 2, 3, 4):
        ids = _codes_to_ids(Trade)
        batch = [{"code": r["code"], "name": r["name"], "level": level,
                  "parent_id": ids.get(r["parent_code"]) if r["parent_code"] else None}
                 for r in rows if int(r["level"]) == level]
        if batch:
            db.session.execute(insert(Trade), batch)
    ids = _codes_to_ids(Trade)
    seen = set()
    aliases = []
    for r in read_csv(seed_dir, "trade_aliases.csv"):
        key = (r["alias"], r["trade_code"])
        if r["trade_code"] in ids and key not in seen:
            seen.add(key)
            aliases.append({"alias": r["alias"], "trade_id": ids[r["trade_code"]], "source": r["source"]})
    db.session.execute(insert(TradeAlias), aliases)
    return {"trades": len(rows), "aliases": len(aliases)}


def load_parks(seed_dir: Path) -> int:
    counties = _codes_to_ids(Region, Region.level == "county")
    rows = [{"code": r["code"], "name": r["name"], "county_id": counties[r["county_code"]],
             "longitude": _float(r["longitude"]), "latitude": _float(r["latitude"]),
             "key_park": r["key_park"] == "1", "leading_industries": r["leading_industries"]}
            for r in read_csv(seed_dir, "parks.csv")]
    db.session.execute(insert(Park), rows)
    return len(rows)


def load_schools(seed_dir: Path) -> int:
    counties = _codes_to_ids(Region, Region.level == "county")
    rows = [{"code": r["code"], "name": r["name"], "kind": r["kind"], "county_id": counties[r["county_code"]],
             "specialties": r["specialties"], "verified": True}
            for r in read_csv(seed_dir, "schools.csv")]
    db.session.execute(insert(School), rows)
    return len(rows)


def _empty(model) -> bool:
    return not db.session.scalar(select(func.count()).select_from(model))


def load_all(seed_dir: Path) -> dict[str, int]:
    """Load every seed table that is still empty, in one transaction; returns what was loaded."""
    loaded: dict[str, int] = {}
    if _empty(Region):
        loaded.update(load_regions(seed_dir))
    if _empty(Trade):
        loaded.update(load_trades(seed_dir))
    if _empty(Park):
        loaded["parks"] = load_parks(seed_dir)
    if _empty(School):
        loaded["schools"] = load_schools(seed_dir)
    if _empty(PolicySetting):
        db.session.add(PolicySetting(version=1, note="DESIGN.md defaults"))
        loaded["policy_versions"] = 1
    db.session.commit()
    return loaded


def seed_counts() -> dict:
    """What the database holds of the reference data, for the seed command's report."""
    levels = dict(db.session.execute(select(Region.level, func.count(Region.id)).group_by(Region.level)).all())
    zones = dict(db.session.execute(select(Region.zone, func.count(Region.id))
                                    .where(Region.level == "county").group_by(Region.zone)).all())
    trades = dict(db.session.execute(select(Trade.level, func.count(Trade.id)).group_by(Trade.level)).all())
    return {"regions": levels, "counties_by_zone": zones, "trades_by_level": trades,
            "aliases": db.session.scalar(select(func.count(TradeAlias.id))),
            "parks": db.session.scalar(select(func.count(Park.id))),
            "schools": db.session.scalar(select(func.count(School.id)))}
