"""Reasons that come with a score, in the user's language: the engine's message keys through Flask-Babel; and a
score card's figures, formatted for the template.

The Chinese texts are the engine's own (matchmaker.matching.messages.TEMPLATES["zh_CN"]); a test keeps the two
equal. Parameters that are codes (levels, zones, training modes) are turned into labels here."""
import weakref
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from matchmaker.vocabulary import current_catalogue, label, translated

REASON_TEXT = {
    "filter_status": _l("当前状态为“%(status)s”，不在推荐范围"),
    "filter_age": _l("年龄 %(age)s 岁，不在岗位要求的 %(min)s–%(max)s 岁之间"),
    "filter_working_age": _l("年龄 %(age)s 岁，不在法定劳动年龄内"),
    "filter_education": _l("学历未达岗位最低要求"),
    "filter_active_referral": _l("已有该岗位的推荐在办理中"),
    "filter_reserved_for_paired": _l("该岗位仅面向一企一村对口村"),
    "general_labour": _l("普工岗位，不限工种"),
    "skill_match": _l("掌握%(trade)s技能（%(level_name)s）"),
    "skill_level_short": _l("%(trade)s技能等级为%(level_name)s，低于要求的%(required_level_name)s"),
    "skill_related_minor": _l("掌握相近工种%(trade)s（要求%(required)s）"),
    "skill_related_medium": _l("掌握同类工种%(trade)s（要求%(required)s）"),
    "no_skill_match": _l("未掌握%(required)s或相近工种"),
    "no_skills_recorded": _l("未登记技能"),
    "distance_within_radius": _l("距家 %(km)s 公里，在意向范围内"),
    "distance_beyond_radius": _l("距家 %(km)s 公里，超出意向范围（%(radius_km)s 公里）"),
    "housing_widens_radius": _l("岗位包住宿，可接受范围放宽至 %(radius_km)s 公里"),
    "no_location": _l("未登记居住地，无法计算距离"),
    "holds_certificate": _l("持有%(level_name)s%(trade)s证书"),
    "certificate_below_level": _l("持有%(trade)s证书（%(level_name)s），低于要求"),
    "related_certificate": _l("持有相近工种%(trade)s证书"),
    "completed_training": _l("已完成%(trade)s相关培训"),
    "completed_any_training": _l("已完成职业技能培训"),
    "order_class_student": _l("该企业订单班学员"),
    "enterprise_trains": _l("愿意参加培训，企业提供培训（%(mode_name)s）"),
    "willing_to_train": _l("愿意参加培训"),
    "no_training_info": _l("未登记培训或证书"),
    "paired_village": _l("来自一企一村对口村"),
    "school_park_link": _l("所在院校与岗位所在园区校园对接"),
    "zone_flow": _l("从%(from_name)s向%(to_name)s转移，符合“两聚一散”方向"),
    "poor_household": _l("建档立卡贫困户优先"),
    "no_employed_member": _l("零就业家庭优先"),
    "bonus_capped": _l("政策加分已达上限 %(cap)s 分"),
    "profile_incomplete": _l("资料完整度 %(percent)s%%，缺失部分按零分计"),
}

PARK = _l("产业转移工业园")


def _zone_label(code: str) -> str:
    return translated(PARK) if code == "park" else label("zone", code)


def render_reason(key: str, params: dict) -> str:
    """One reason as a sentence in the current locale."""
    values = dict(params)
    for name in ("level", "required_level"):
        if name in values:
            values[name + "_name"] = label("skill_level", values[name])
    if "mode" in values:
        values["mode_name"] = label("training_mode", values["mode"])
    for name in ("from", "to"):
        if name in values:
            values[name + "_name"] = _zone_label(values[name])
    if "status" in values:
        values["status"] = label("worker_status", values["status"])
    return translated(REASON_TEXT[key]) % values


PARTS = (_l("技能"), _l("距离"), _l("培训"))


@dataclass(frozen=True, slots=True)
class ScoreFigures:
    """What a score card shows, formatted: the total, each part as (name, bar width in steps of 10 %, percent),
    the bonus (None when there is none), the coverage in percent, and the reasons as sentences."""
    total: str
    parts: tuple[tuple[str, int, str], ...]
    bonus: str | None
    coverage: int
    reasons: tuple[str, ...]


def score_figures(ex) -> ScoreFigures:
    """A score card's figures from its explanation. Made here, not in the template: some 25 template operations
    per card (filters, lookups, a call per reason) cost about 90 µs, a page of 20 cards a seventh of its time."""
    values = (ex.skill, ex.location, ex.training)
    return ScoreFigures(
        total="%.0f" % ex.total,
        parts=tuple((translated(name), round(v * 10) * 10, "%.0f" % (v * 100)) for name, v in zip(PARTS, values)),
        bonus="%.0f" % ex.bonus if ex.bonus else None,
        coverage=round(ex.coverage * 100),
        reasons=tuple(render_reason(key, params) for key, params in ex.reasons))


#: score cards kept rendered (see score_card); past this many, all are forgotten at once
CARDS_KEPT = 2_000
_cards: dict[tuple[int, int], tuple[weakref.ref, object, Markup]] = {}


def score_card(ex) -> Markup:
    """The card of templates/_macros/score.html for this explanation, rendered once per explanation and language.
    The ranked pages' explanations are remembered with the index state (services.matching), so the same page asked
    again shows the same objects, and a new state new ones; the cards were a third of a candidates page's
    rendering. A card is kept only while its explanation lives (a weak reference, whose end drops the entry): the
    explanations a page makes for itself (a vacancy's page, the nominate list) take their cards with them, and
    an id is never reused while its entry is kept."""
    catalogue = current_catalogue()
    key = (id(ex), id(catalogue))
    entry = _cards.get(key)
    if entry is not None and entry[0]() is ex and entry[1] is catalogue:
        return entry[2]
    html = current_app.jinja_env.get_template("_macros/score.html").module.score_card(ex)
    if len(_cards) >= CARDS_KEPT:
        _cards.clear()
    _cards[key] = (weakref.ref(ex, lambda _gone, key=key: _cards.pop(key, None)), catalogue, html)
    return html
