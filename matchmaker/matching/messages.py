"""Reasons that come with a score: message keys with parameters, and default zh-CN / English templates.

The engine returns reasons as ``(key, params)``, e.g. ``("holds_certificate", {"trade": "电工", "level": 2})``.
The web layer translates them (Flask-Babel); templates use ``%(name)s`` placeholders so they can go through
gettext unchanged. :func:`format_reason` adds ``level_name`` for any ``level``/``required_level`` parameter.
"""
from __future__ import annotations

LEVEL_NAMES = {
    "zh_CN": {1: "初级（五级）", 2: "中级（四级）", 3: "高级（三级）", 4: "技师（二级）", 5: "高级技师（一级）"},
    "en": {1: "entry level (5)", 2: "intermediate (4)", 3: "advanced (3)", 4: "technician (2)",
           5: "senior technician (1)"},
}
ZONE_NAMES = {
    "zh_CN": {"output": "劳动力重点输出区", "nearby": "就近转移区", "aggregation": "聚集提升区",
              "optimisation": "优化配置区", "park": "产业转移工业园"},
    "en": {"output": "key-output zone", "nearby": "nearby-transfer zone", "aggregation": "aggregation zone",
           "optimisation": "optimisation zone", "park": "industrial-transfer park"},
}
MODE_NAMES = {
    "zh_CN": {"train_then_work": "先培训后就业", "work_then_train": "先就业后培训", "order": "订单式培训",
              "reserve": "储备式培训", "none": "不提供培训"},
    "en": {"train_then_work": "train then work", "work_then_train": "work then train", "order": "order-based training",
           "reserve": "reserve training", "none": "no training"},
}

TEMPLATES: dict[str, dict[str, str]] = {
    "zh_CN": {
        # hard filters (the candidate is not ranked)
        "filter_status": "当前状态为“%(status)s”，不在推荐范围",
        "filter_age": "年龄 %(age)s 岁，不在岗位要求的 %(min)s–%(max)s 岁之间",
        "filter_working_age": "年龄 %(age)s 岁，不在法定劳动年龄内",
        "filter_education": "学历未达岗位最低要求",
        "filter_active_referral": "已有该岗位的推荐在办理中",
        "filter_reserved_for_paired": "该岗位仅面向一企一村对口村",
        # skills
        "general_labour": "普工岗位，不限工种",
        "skill_match": "掌握%(trade)s技能（%(level_name)s）",
        "skill_level_short": "%(trade)s技能等级为%(level_name)s，低于要求的%(required_level_name)s",
        "skill_related_minor": "掌握相近工种%(trade)s（要求%(required)s）",
        "skill_related_medium": "掌握同类工种%(trade)s（要求%(required)s）",
        "no_skill_match": "未掌握%(required)s或相近工种",
        "no_skills_recorded": "未登记技能",
        # location
        "distance_within_radius": "距家 %(km)s 公里，在意向范围内",
        "distance_beyond_radius": "距家 %(km)s 公里，超出意向范围（%(radius_km)s 公里）",
        "housing_widens_radius": "岗位包住宿，可接受范围放宽至 %(radius_km)s 公里",
        "no_location": "未登记居住地，无法计算距离",
        # training
        "holds_certificate": "持有%(level_name)s%(trade)s证书",
        "certificate_below_level": "持有%(trade)s证书（%(level_name)s），低于要求",
        "related_certificate": "持有相近工种%(trade)s证书",
        "completed_training": "已完成%(trade)s相关培训",
        "completed_any_training": "已完成职业技能培训",
        "order_class_student": "该企业订单班学员",
        "enterprise_trains": "愿意参加培训，企业提供培训（%(mode_name)s）",
        "willing_to_train": "愿意参加培训",
        "no_training_info": "未登记培训或证书",
        # bonuses
        "paired_village": "来自一企一村对口村",
        "school_park_link": "所在院校与岗位所在园区校园对接",
        "zone_flow": "从%(from_name)s向%(to_name)s转移，符合“两聚一散”方向",
        "poor_household": "建档立卡贫困户优先",
        "no_employed_member": "零就业家庭优先",
        "bonus_capped": "政策加分已达上限 %(cap)s 分",
        # coverage
        "profile_incomplete": "资料完整度 %(percent)s%%，缺失部分按零分计",
    },
    "en": {
        "filter_status": "Status is “%(status)s”: not a candidate",
        "filter_age": "Age %(age)s is outside the vacancy's %(min)s–%(max)s",
        "filter_working_age": "Age %(age)s is outside the legal working age",
        "filter_education": "Education below the vacancy's minimum",
        "filter_active_referral": "Already has an active referral to this vacancy",
        "filter_reserved_for_paired": "This vacancy is reserved for paired villages",
        "general_labour": "General labour: no trade required",
        "skill_match": "Skilled in %(trade)s (%(level_name)s)",
        "skill_level_short": "%(trade)s at %(level_name)s, below the required %(required_level_name)s",
        "skill_related_minor": "Skilled in the closely related %(trade)s (required: %(required)s)",
        "skill_related_medium": "Skilled in the related %(trade)s (required: %(required)s)",
        "no_skill_match": "No skill in %(required)s or a related trade",
        "no_skills_recorded": "No skills recorded",
        "distance_within_radius": "%(km)s km from home, within the preferred range",
        "distance_beyond_radius": "%(km)s km from home, beyond the preferred %(radius_km)s km",
        "housing_widens_radius": "Housing provided: range widened to %(radius_km)s km",
        "no_location": "No home location recorded: distance unknown",
        "holds_certificate": "Holds a %(level_name)s certificate in %(trade)s",
        "certificate_below_level": "Holds a %(trade)s certificate (%(level_name)s), below the requirement",
        "related_certificate": "Holds a certificate in the related %(trade)s",
        "completed_training": "Completed training related to %(trade)s",
        "completed_any_training": "Completed vocational training",
        "order_class_student": "Student of this enterprise's order class",
        "enterprise_trains": "Willing to train; the enterprise trains (%(mode_name)s)",
        "willing_to_train": "Willing to train",
        "no_training_info": "No training or certificate recorded",
        "paired_village": "From a village paired with this enterprise (一企一村)",
        "school_park_link": "School linked to the vacancy's park",
        "zone_flow": "Moves from the %(from_name)s to the %(to_name)s, the plan's direction",
        "poor_household": "Registered poor household: priority",
        "no_employed_member": "Household with no employed member: priority",
        "bonus_capped": "Policy bonus capped at %(cap)s points",
        "profile_incomplete": "Profile %(percent)s%% complete: missing parts score zero",
    },
}

#: every reason key the engine can emit
REASON_KEYS: tuple[str, ...] = tuple(TEMPLATES["zh_CN"])
assert set(TEMPLATES["en"]) == set(REASON_KEYS)


def format_reason(key: str, params: dict, lang: str = "zh_CN", template: str | None = None) -> str:
    """Render one reason with the default template (or ``template``, e.g. a translated one)."""
    lang = "zh_CN" if lang.replace("-", "_").lower().startswith("zh") else "en"
    values = dict(params)
    for name in ("level", "required_level"):
        if name in values:
            values[name + "_name"] = LEVEL_NAMES[lang].get(values[name], str(values[name]))
    if "mode" in values:
        values["mode_name"] = MODE_NAMES[lang].get(values["mode"], values["mode"])
    for name in ("from", "to"):
        if name in values:
            values[name + "_name"] = ZONE_NAMES[lang].get(values[name], values[name])
    return (template or TEMPLATES[lang][key]) % values
