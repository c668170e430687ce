"""Policy settings (score weights, bonuses, the shortage delay) and the plan's annual KPI targets, as a bureau sets
them. Each policy change is a new PolicySetting version — rows are never edited — so the history shows who
changed what, when and why, and the matching engine picks the newest version at once."""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.matching import Policy
from matchmaker.matching.errors import PolicyError
from matchmaker.models import KpiTarget, PolicySetting, Region, User
from matchmaker.models.policy import KPI_DEFAULTS
from matchmaker.orm import utcnow
from matchmaker.services import audit, matching
from matchmaker.services.errors import DomainError, Forbidden, refused_on_conflict

MAX_NOTE = 500
YEARS = (2015, 2100)


@dataclass(frozen=True)
class Field:
    name: str
    label: object  # a lazy string
    lo: float
    hi: float
    integer: bool = False


# The settings a bureau edits, in the order the form shows them. Weights are relative (the score divides by their
# sum), so 0–10 is room enough; bonuses are points on the 0–100 scale.
FIELDS = (
    Field("w_skills", _l("技能权重"), 0, 10),
    Field("w_location", _l("距离权重"), 0, 10),
    Field("w_training", _l("培训权重"), 0, 10),
    Field("bonus_pairing", _l("一企一村对口村加分"), 0, 100),
    Field("bonus_school_link", _l("校园对接园区加分"), 0, 100),
    Field("bonus_order_class", _l("订单班学员加分"), 0, 100),
    Field("bonus_zone_flow", _l("按功能区流向加分"), 0, 100),
    Field("bonus_poor_household", _l("建档立卡/零就业家庭加分"), 0, 100),
    Field("bonus_cap", _l("加分上限"), 0, 100),
    Field("shortage_open_days", _l("岗位空缺预警天数"), 1, 365, integer=True),
)
WEIGHTS = ("w_skills", "w_location", "w_training")

KPI_LABELS = {
    "active_pairings": _l("进行中的一企一村结对（对）"),
    "pairing_transfers": _l("经结对转移就业人数"),
    "park_school_links": _l("校园对接产业园（个）"),
    "park_placements": _l("园区新增就业人数"),
    "trained_share_pct": _l("转移就业人员受过培训比例（%）"),
    "midlevel_share_pct": _l("中级工及以上比例（%）"),
    "retention_6m_pct": _l("6 个月留存率（%）"),
}
PCT_KPIS = {k for k in KPI_DEFAULTS if k.endswith("_pct")}


def _engine_defaults() -> dict[str, float]:
    """What rankings use while no version has been saved (services.matching.load_policy falls back to these)."""
    p = Policy()
    return {"w_skills": p.w_skill, "w_location": p.w_location, "w_training": p.w_training,
            "bonus_pairing": p.bonus_paired_village, "bonus_school_link": p.bonus_school_park_link,
            "bonus_order_class": p.bonus_order_class_student, "bonus_zone_flow": p.bonus_zone_flow,
            "bonus_poor_household": p.bonus_household_priority, "bonus_cap": p.bonus_cap,
            "shortage_open_days": PolicySetting.__table__.c.shortage_open_days.default.arg}


def _values(setting: PolicySetting | None) -> dict[str, float]:
    if setting is None:
        return _engine_defaults()
    return {f.name: getattr(setting, f.name) for f in FIELDS}


def newest() -> PolicySetting | None:
    return db.session.scalar(select(PolicySetting).order_by(PolicySetting.version.desc()).limit(1))


def current_values() -> dict[str, float]:
    return _values(newest())


def shortage_open_days() -> int:
    return int(current_values()["shortage_open_days"])


def may_change_policy(actor: User) -> bool:
    """Scores must mean the same across the province, so only the provincial bureau sets them."""
    return actor is not None and actor.role == "bureau" and actor.region is not None and \
        actor.region.level == "province"


def _parse(field: Field, raw) -> float:
    text = str(raw if raw is not None else "").strip()
    try:
        value = float(text)
    except ValueError:
        raise DomainError(_("请填写数字。"), field.name) from None
    if not math.isfinite(value) or not field.lo <= value <= field.hi:
        raise DomainError(_("应在 %(lo)s 到 %(hi)s 之间。", lo=_num(field.lo), hi=_num(field.hi)), field.name)
    if field.integer:
        if value != int(value):
            raise DomainError(_("请填写整数。"), field.name)
        return int(value)
    return round(value, 4)


def _num(v) -> str:
    return f"{v:g}"


def change_policy(actor: User, form: dict, note: str) -> PolicySetting:
    """Save the settings as a new version (the newest is in force) and make rankings use it at once."""
    if not may_change_policy(actor):
        raise Forbidden(_("只有省级人社部门可以修改评分权重和加分。"))
    values = {f.name: _parse(f, form.get(f.name)) for f in FIELDS}
    if sum(values[w] for w in WEIGHTS) <= 0:
        raise DomainError(_("三项权重之和必须大于 0。"), "w_skills")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("请说明修改原因。"), "note")
    if len(note) > MAX_NOTE:
        raise DomainError(_("说明不能超过 %(n)s 个字。", n=MAX_NOTE), "note")
    previous = newest()
    old = _values(previous)
    changes = {k: [old[k], v] for k, v in values.items() if float(old[k]) != float(v)}
    if not changes:
        raise DomainError(_("设置没有变化，未保存新版本。"))
    try:  # the engine's own checks, so a saved version can always be loaded
        Policy(w_skill=values["w_skills"], w_location=values["w_location"], w_training=values["w_training"],
               bonus_paired_village=values["bonus_pairing"], bonus_school_park_link=values["bonus_school_link"],
               bonus_order_class_student=values["bonus_order_class"], bonus_zone_flow=values["bonus_zone_flow"],
               bonus_household_priority=values["bonus_poor_household"], bonus_cap=values["bonus_cap"])
    except PolicyError as e:
        raise DomainError(_("设置无效：%(detail)s", detail=str(e))) from None
    setting = PolicySetting(version=(previous.version if previous else 0) + 1, note=note, created_by_id=actor.id,
                            **values)
    db.session.add(setting)
    # Two bureaus saved at once: the version number is unique, the second must retry
    with refused_on_conflict(_("设置刚被他人修改，请刷新后重试。")):
        db.session.flush()
    audit.record(actor, "policy.change", "policy_setting", setting.id, version=setting.version, changes=changes,
                 note=note)
    matching.note_change("policy")
    db.session.commit()
    return setting


@dataclass
class Version:
    version: int
    at: object
    by: str
    note: str
    changes: list  # (label, old, new)


def history(limit: int = 50) -> list[Version]:
    """Versions newest first, each with what it changed from the one before (the first from the defaults)."""
    rows = db.session.execute(
        select(PolicySetting, User.display_name, User.login).outerjoin(User, PolicySetting.created_by_id == User.id)
        .order_by(PolicySetting.version.desc()).limit(limit + 1)).all()
    out = []
    for i, (setting, name, login) in enumerate(rows[:limit]):
        before = _values(rows[i + 1][0]) if i + 1 < len(rows) else (
            _engine_defaults() if setting.version == 1 else None)
        now = _values(setting)
        changes = [] if before is None else [(f.label, _num(before[f.name]), _num(now[f.name])) for f in FIELDS
                                             if float(before[f.name]) != float(now[f.name])]
        out.append(Version(setting.version, setting.created_at, name or login or "—", setting.note, changes))
    return out


# --- annual KPI targets -----------------------------------------------------------------------------------------

def default_target(region: Region, kpi: str) -> float | None:
    """The plan's numbers are provincial: they are the default for the province, and for shares everywhere;
    a city or county sets its own counts."""
    if kpi in PCT_KPIS or region.level == "province":
        return KPI_DEFAULTS[kpi]
    return None


@dataclass
class TargetRow:
    kpi: str
    label: object
    target: float | None
    default: float | None
    is_set: bool


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DomainError(_("请选择有效的年份。"), "year") from None
    if not YEARS[0] <= year <= YEARS[1]:
        raise DomainError(_("请选择有效的年份。"), "year")
    return year


def _require_bureau(actor: User) -> None:
    if actor is None or actor.role != "bureau" or actor.region is None:
        raise Forbidden(_("仅人社部门可以设置年度目标。"))


def targets(actor: User, year) -> list[TargetRow]:
    _require_bureau(actor)
    year = _check_year(year)
    saved = dict(db.session.execute(select(KpiTarget.kpi, KpiTarget.target).where(
        KpiTarget.year == year, KpiTarget.region_id == actor.region_id)).all())
    rows = []
    for kpi in KPI_DEFAULTS:
        default = default_target(actor.region, kpi)
        rows.append(TargetRow(kpi, KPI_LABELS[kpi], saved.get(kpi, default), default, kpi in saved))
    return rows


def set_targets(actor: User, year, form: dict) -> dict:
    """Set the bureau's own region's targets for a year; a blank field falls back to the default. Returns the
    changes {kpi: [old, new]}."""
    _require_bureau(actor)
    year = _check_year(year)
    wanted: dict[str, float | None] = {}
    for kpi in KPI_DEFAULTS:
        text = str(form.get(kpi) or "").strip()
        if not text:
            wanted[kpi] = None
            continue
        try:
            value = float(text)
        except ValueError:
            raise DomainError(_("请填写数字。"), kpi) from None
        hi = 100 if kpi in PCT_KPIS else 10_000_000
        if not math.isfinite(value) or not 0 <= value <= hi:
            raise DomainError(_("应在 %(lo)s 到 %(hi)s 之间。", lo=0, hi=hi), kpi)
        if kpi not in PCT_KPIS and value != int(value):
            raise DomainError(_("请填写整数。"), kpi)
        wanted[kpi] = value
    existing = {t.kpi: t for t in db.session.scalars(select(KpiTarget).where(
        KpiTarget.year == year, KpiTarget.region_id == actor.region_id))}
    changes = {}
    for kpi, value in wanted.items():
        row = existing.get(kpi)
        old = row.target if row else None
        if value is None:  # blank: back to the default
            if row is not None:
                db.session.delete(row)
                changes[kpi] = [old, None]
            continue
        if row is None and value == default_target(actor.region, kpi):
            continue  # the default, unchanged: nothing to store
        if row is None:
            db.session.add(KpiTarget(year=year, region_id=actor.region_id, kpi=kpi, target=value,
                                     set_by_id=actor.id))
            changes[kpi] = [None, value]
        elif row.target != value:
            row.target, row.set_by_id, row.set_at = value, actor.id, utcnow()
            changes[kpi] = [old, value]
    if not changes:
        raise DomainError(_("目标没有变化。"))
    audit.record(actor, "kpi_target.set", "region", actor.region_id, year=year, changes=changes)
    db.session.commit()
    return changes
