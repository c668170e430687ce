"""The OpenAPI 3 document of /api/v1, written as Python dicts beside the routes.

Hand-written rather than generated (apispec, flask-smorest, …): the routes parse their input by hand to reuse the
services' DomainErrors, so a generator would need the same schemas declared again in its own dialect. A test
checks that every API route is described here and nothing else is, and schemathesis checks the responses against
these schemas, so the document cannot drift silently."""
from __future__ import annotations

from matchmaker.api import ID_MAX, PER_PAGE_MAX, bp
from matchmaker.models.pairings import ACTIVITY_KINDS, LINK_STATUSES
from matchmaker.models.placements import PLACEMENT_CHANNELS, TRANSFER_TYPES
from matchmaker.models.referrals import JOB_INVITATION_STATUSES, REFERRAL_CHANNELS, REFERRAL_STATUSES
from matchmaker.models.vacancies import VACANCY_TRAINING
from matchmaker.models.workers import RADII, WORKER_SOURCES, WORKER_STATUSES

S, I, B, N = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "number"}
DATE = {"type": "string", "format": "date"}
TIME = {"type": "string", "format": "date-time"}


def nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def enum(values) -> dict:
    return {"type": "string", "enum": list(values)}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, optional: tuple = ()) -> dict:
    """A closed object: every property required unless named optional, nothing else allowed."""
    return {"type": "object", "properties": properties, "additionalProperties": False,
            "required": [k for k in properties if k not in optional]}


def page_of(item: dict) -> dict:
    return obj({"items": {"type": "array", "items": item}, "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX},
                "total": {"type": "integer", "minimum": 0}, "next": nullable(S)})


NAMED = {"id": I, "name": S}
WORKER_SUMMARY = obj({
    "id": I, "name": S, "id_number_masked": {"type": "string", "pattern": r"^[0-9]{4}\*+[0-9]{3}[0-9Xx]$"},
    "phone_masked": {"type": "string", "pattern": r"^$|^[0-9]{3}\*+[0-9]{4}$|^\*+$"}, "sex": enum(("M", "F")),
    "age": I, "home_region": obj({"code": S, "name": S}), "status": enum(WORKER_STATUSES)})

SCHEMAS = {
    "Error": obj({"error": obj({"code": S, "message": S, "field": nullable(S)})}),
    "Region": obj({"code": S, "name": S, "level": S, "level_label": S, "zone": nullable(S), "path": S},
                  optional=("path",)),
    "Trade": obj({"code": S, "name": S, "score": N}),
    "Vacancy": obj({
        "id": I, "title": S, "status": enum(("draft", "open", "filled", "closed")), "enterprise": obj(NAMED),
        "site": obj({"county_code": S, "county_name": S, "park_id": nullable(I), "park_name": nullable(S)}),
        "trades": {"type": "array", "items": obj({"code": S, "name": S, "min_level": I})},
        "headcount": I, "filled": I, "open_places": I, "wage_min": I, "wage_max": I, "age_min": I, "age_max": I,
        "min_education": I, "training_mode": S, "housing": B, "description": S, "deadline": nullable(DATE),
        "reserved_for_paired": B, "published_at": nullable(TIME)}),
    "VacancyInput": {
        "type": "object",
        "properties": {
            "title": {"type": "string", "maxLength": 80}, "site_county_code": S,
            "site_park_id": nullable({"type": "integer", "minimum": 1, "maximum": ID_MAX}),
            "trades": {"type": "array", "maxItems": 10, "items": {
                "type": "object", "properties": {"code": S, "name": S, "level": {"type": "integer", "minimum": 1,
                                                                                  "maximum": 5}}}},
            "headcount": {"type": "integer", "minimum": 1, "maximum": 10000},
            "wage_min": {"type": "integer", "minimum": 0, "maximum": 100000},
            "wage_max": {"type": "integer", "minimum": 0, "maximum": 100000},
            "age_min": {"type": "integer", "minimum": 16, "maximum": 65},
            "age_max": {"type": "integer", "minimum": 16, "maximum": 65},
            "min_education": {"type": "integer", "minimum": 0, "maximum": 5},
            "training_mode": enum(VACANCY_TRAINING), "housing": B, "description": {"type": "string", "maxLength": 2000},
            "deadline": nullable(DATE), "reserved_for_paired": B},
    },
    "WorkerSummary": WORKER_SUMMARY,
    "Worker": obj({
        **WORKER_SUMMARY["properties"], "education": I, "source": enum(WORKER_SOURCES), "radius": enum(RADII),
        "min_wage": nullable(I), "willing_to_train": B, "available_from": nullable(DATE), "version": I,
        "skills": {"type": "array", "items": obj({"trade_code": S, "trade_name": S, "level": I})},
        "certificates": {"type": "array", "items": obj({"trade_code": S, "trade_name": S, "level": I,
                                                         "issued_on": nullable(DATE)})},
        "trainings": {"type": "array", "items": obj({"course": S, "trade_code": nullable(S), "hours": I,
                                                      "completed": B})},
        "household": obj({"poor_household": B, "no_employed_member": B})}, optional=("household",)),
    "WorkerInput": {
        "type": "object", "required": ["name", "id_number"],
        "properties": {"name": {"type": "string", "maxLength": 40}, "id_number": {"type": "string", "maxLength": 18},
                       "phone": S, "education": {"type": "integer", "minimum": 0, "maximum": 5},
                       "poor_household": B, "no_employed_member": B, "radius": enum(RADII),
                       "min_wage": nullable({"type": "integer", "minimum": 0, "maximum": 100000}),
                       "willing_to_train": B, "available_from": nullable(DATE)}},
    "Score": obj({"total": N, "eligible": B, "skill": N, "location": N, "training": N, "bonus": N, "coverage": N,
                  "distance_km": nullable(N), "reasons": {"type": "array", "items": obj({"key": S, "text": S})}}),
    "Candidate": obj({"worker": obj({"id": I, "display_name": S, "sex": enum(("M", "F")), "age": I, "education": I,
                                     "home_region": obj({"code": S, "name": S, "county_name": nullable(S)})}),
                      "score": ref("Score")}),
    "Recommendation": obj({"vacancy": ref("Vacancy"), "score": ref("Score")}),
    "Step": obj({"from_status": nullable(enum(REFERRAL_STATUSES)), "to_status": enum(REFERRAL_STATUSES),
                 "at": nullable(TIME), "reason": S}),
    "Referral": obj({
        "id": I, "status": enum(REFERRAL_STATUSES), "channel": enum(REFERRAL_CHANNELS),
        "vacancy": obj({"id": I, "title": S, "enterprise_name": S}), "worker": ref("WorkerSummary"),
        "created_at": nullable(TIME), "updated_at": nullable(TIME), "score_at_referral": nullable(N),
        "consent": obj({"version": nullable(S), "at": nullable(TIME), "recipient": nullable(S),
                        "purpose": nullable(S)}),
        "steps": {"type": "array", "items": ref("Step")}}, optional=("steps",)),
    "Invitation": obj({
        "id": I, "status": enum(JOB_INVITATION_STATUSES), "note": S,
        "vacancy": obj({"id": I, "title": S, "enterprise_name": S}), "worker": obj({"id": I, "display_name": S}),
        "created_at": nullable(TIME), "answered_at": nullable(TIME), "referral_id": nullable(I)}),
    "FollowUp": obj({"id": I, "placement_id": I, "due_month": I, "due_on": DATE, "done_on": nullable(DATE),
                     "still_employed": nullable(B), "wage": nullable(I), "problems": S, "next_step": S}),
    "DueFollowUp": obj({"id": I, "placement_id": I, "worker": ref("WorkerSummary"), "enterprise": obj(NAMED),
                        "start_date": DATE, "due_month": I, "due_on": DATE,
                        "section": enum(("overdue", "this_week", "later"))}),
    "Placement": obj({
        "id": I, "worker": ref("WorkerSummary"), "vacancy": obj({"id": I, "title": S}), "enterprise": obj(NAMED),
        "referral_id": nullable(I), "start_date": DATE, "channel": enum(PLACEMENT_CHANNELS),
        "transfer_type": enum(TRANSFER_TYPES), "monthly_wage": nullable(I), "ended_on": nullable(DATE),
        "follow_ups": {"type": "array", "items": ref("FollowUp")}}),
    "Pairing": obj({
        "id": I, "status": enum(LINK_STATUSES), "enterprise": obj(NAMED), "village": obj({"id": I, "name": S,
                                                                                          "code": S}),
        "annual_target": I, "proposed_at": nullable(TIME), "approved_at": nullable(TIME), "ended_at": nullable(TIME),
        "stats": obj({"nominated": I, "hired": I, "retained_6m": I, "target": I}),
        "activities": {"type": "array", "items": obj({"id": I, "kind": enum(ACTIVITY_KINDS), "held_on": DATE,
                                                       "people_reached": I, "notes": S})}},
        optional=("stats", "activities")),
}

ERRORS = {"400": "请求格式或参数有误", "401": "未提供令牌，或令牌无效、已过期、已撤销",
          "403": "无权进行此操作", "404": "不存在，或无权查看", "409": "当前状态下不能进行此操作",
          "422": "输入有误（field 指出哪一项）", "429": "请求过于频繁"}


def _param(name: str, schema: dict, where: str = "query", required: bool = False, description: str = "") -> dict:
    p = {"name": name, "in": where, "required": required or where == "path", "schema": schema}
    if description:
        p["description"] = description
    return p


PAGE = [_param("page", {"type": "integer", "minimum": 1, "maximum": 100000}),
        _param("per_page", {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX})]
BOOL_ARG = {"type": "string", "enum": ["true", "false"]}


def _id(name: str) -> dict:
    return _param(name, {"type": "integer", "minimum": 1, "maximum": ID_MAX}, "path")


def _body(properties: dict | dict, required: tuple = ()) -> dict:
    schema = properties if "$ref" in properties or "type" in properties else {
        "type": "object", "properties": properties, "required": list(required)}
    if "required" in schema and not schema["required"]:
        del schema["required"]
    return {"required": True, "content": {"application/json": {"schema": schema}}}


# (method, path, endpoint, summary, parameters, request body, success status, response schema)
OPERATIONS = [
    ("get", "/regions", "api.region_children", "下一级地区（不带 code 时为各地级市）",
     [_param("code", S, description="上级地区代码")] + PAGE, None, 200, page_of(ref("Region"))),
    ("get", "/regions/search", "api.region_search", "按名称或拼音搜索地区",
     [_param("q", S), _param("level", enum(("province", "city", "county", "town", "village")))] + PAGE,
     None, 200, page_of(ref("Region"))),
    ("get", "/trades", "api.trade_search", "搜索工种（名称与别名，如“电焊”找到“焊工”）",
     [_param("q", S)] + PAGE, None, 200, page_of(ref("Trade"))),
    ("get", "/vacancies", "api.vacancy_list", "招聘中的岗位（mine=true：本企业全部岗位）",
     [_param("mine", BOOL_ARG), _param("status", enum(("draft", "open", "filled", "closed")))] + PAGE,
     None, 200, page_of(ref("Vacancy"))),
    ("post", "/vacancies", "api.vacancy_create", "新建岗位（草稿，企业）",
     [], _body({**SCHEMAS["VacancyInput"], "required": ["title", "site_county_code", "headcount", "wage_min",
                                                         "wage_max"]}), 201, ref("Vacancy")),
    ("get", "/vacancies/{vacancy_id}", "api.vacancy_get", "岗位详情", [_id("vacancy_id")], None, 200,
     ref("Vacancy")),
    ("patch", "/vacancies/{vacancy_id}", "api.vacancy_update", "修改岗位（只改提供的字段，企业）",
     [_id("vacancy_id")], _body(ref("VacancyInput")), 200, ref("Vacancy")),
    ("post", "/vacancies/{vacancy_id}/publish", "api.vacancy_publish", "发布岗位", [_id("vacancy_id")], None, 200,
     ref("Vacancy")),
    ("post", "/vacancies/{vacancy_id}/close", "api.vacancy_close", "关闭岗位", [_id("vacancy_id")], None, 200,
     ref("Vacancy")),
    ("get", "/vacancies/{vacancy_id}/candidates", "api.vacancy_candidates",
     "岗位的候选人排名（企业：全部候选人，最多排前 500 名；村级协调员：本村适合的人员）。企业的排名长度事先未知："
     "total 为已排出的名次数，其后还有时多计 1，next 据此给出",
     [_id("vacancy_id"), _param("county", {"type": "string", "pattern": "^[0-9]{6}$"}, description="县级区划代码"), _param("zone", enum(("output", "nearby", "aggregation",
                                                                     "optimisation"))),
      _param("max_km", {"type": "integer", "minimum": 1, "maximum": 5000}), _param("paired_only", BOOL_ARG),
      _param("min_level", {"type": "integer", "minimum": 1, "maximum": 5},
             description="技能或证书等级不低于此级（岗位所需工种内；企业）")] + PAGE,
     None, 200, page_of(ref("Candidate"))),
    ("post", "/vacancies/{vacancy_id}/nominations", "api.referral_nominate", "推荐本村人员（须本人单独同意）",
     [_id("vacancy_id")],
     _body({"worker_ids": {"type": "array", "minItems": 1, "maxItems": 100,
                           "items": {"type": "integer", "minimum": 1, "maximum": ID_MAX}},
            "note": {"type": "string", "maxLength": 1000}, "consent": B}, ("worker_ids", "consent")),
     201, obj({"items": {"type": "array", "items": ref("Referral")}})),
    ("post", "/vacancies/{vacancy_id}/applications", "api.referral_apply", "求职者申请岗位（须本人同意）",
     [_id("vacancy_id")], _body({"consent": B}, ("consent",)), 201, ref("Referral")),
    ("get", "/recommendations", "api.recommendations", "为求职者推荐的岗位及理由", PAGE, None, 200,
     page_of(ref("Recommendation"))),
    ("get", "/workers", "api.worker_list", "台账人员（村：本村；院校：本校学员；人社：辖区）",
     [_param("q", S, description="姓名"), _param("status", enum(WORKER_STATUSES))] + PAGE, None, 200,
     page_of(ref("Worker"))),
    ("post", "/workers", "api.worker_create", "登记到本村台账（村级协调员）", [], _body(ref("WorkerInput")), 201,
     ref("Worker")),
    ("get", "/workers/{worker_id}", "api.worker_get", "人员详情（身份证号、手机号脱敏）", [_id("worker_id")], None,
     200, ref("Worker")),
    ("get", "/referrals", "api.referral_list", "推荐与申请", [_param("status", enum(REFERRAL_STATUSES))] + PAGE,
     None, 200, page_of(ref("Referral"))),
    ("get", "/referrals/{referral_id}", "api.referral_get", "推荐详情及每一步", [_id("referral_id")], None, 200,
     ref("Referral")),
    ("post", "/referrals/{referral_id}/move", "api.referral_move",
     "推进推荐：企业 shortlisted/interview/offered/rejected，本人或村 withdrawn", [_id("referral_id")],
     _body({"to": enum(("shortlisted", "interview", "offered", "rejected", "withdrawn")),
            "reason": {"type": "string", "maxLength": 1000}}, ("to",)), 200, ref("Referral")),
    ("post", "/referrals/{referral_id}/hire", "api.referral_hire", "办理入职（企业，占用一个名额）",
     [_id("referral_id")], _body({"start_date": DATE, "monthly_wage": nullable({"type": "integer", "minimum": 1,
                                                                                "maximum": 100000})},
                                 ("start_date",)), 201, ref("Placement")),
    ("get", "/placements", "api.placement_list", "转移就业记录", PAGE, None, 200, page_of(ref("Placement"))),
    ("get", "/placements/{placement_id}", "api.placement_get", "转移就业详情及回访", [_id("placement_id")], None,
     200, ref("Placement")),
    ("get", "/follow-ups", "api.follow_up_list", "本村待回访（逾期、本周、以后）", PAGE, None, 200,
     page_of(ref("DueFollowUp"))),
    ("post", "/follow-ups/{follow_up_id}", "api.follow_up_record", "记录一次回访", [_id("follow_up_id")],
     _body({"still_employed": B, "wage": nullable({"type": "integer", "minimum": 0, "maximum": 100000}),
            "problems": {"type": "string", "maxLength": 1000}, "next_step": {"type": "string", "maxLength": 1000}},
           ("still_employed",)), 200, ref("FollowUp")),
    ("get", "/pairings", "api.pairing_list", "本企业或本村的一企一村结对",
     [_param("status", enum(LINK_STATUSES))] + PAGE, None, 200, page_of(ref("Pairing"))),
    ("post", "/pairings", "api.pairing_propose", "发起结对（企业填村 id，村填企业 id）", [],
     _body({"other_id": {"type": "integer", "minimum": 1, "maximum": ID_MAX}}, ("other_id",)), 201,
     ref("Pairing")),
    ("get", "/pairings/{pairing_id}", "api.pairing_get", "结对详情、成效与活动", [_id("pairing_id")], None, 200,
     ref("Pairing")),
    ("post", "/pairings/{pairing_id}/accept", "api.pairing_accept", "同意对方的结对申请", [_id("pairing_id")], None,
     200, ref("Pairing")),
    ("get", "/invitations", "api.invitation_list",
     "应聘邀请（企业：发出的；求职者：给本人的；村级协调员：给本村人员的）", PAGE, None, 200, page_of(ref("Invitation"))),
    ("post", "/vacancies/{vacancy_id}/invitations", "api.invitation_create", "企业邀请排名中的候选人应聘",
     [_id("vacancy_id")], _body({"worker_id": {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                                 "note": {"type": "string", "maxLength": 500}}, ("worker_id",)), 201,
     ref("Invitation")),
    ("post", "/invitations/{invitation_id}/accept", "api.invitation_accept",
     "接受邀请并应聘（须本人单独同意）", [_id("invitation_id")], _body({"consent": B}, ("consent",)), 200,
     ref("Invitation")),
    ("post", "/invitations/{invitation_id}/decline", "api.invitation_decline", "谢绝邀请", [_id("invitation_id")],
     None, 200, ref("Invitation")),
    ("get", "/openapi.json", "api.openapi", "本文档（无需令牌）", [], None, 200, {"type": "object"}),
]


def query_names() -> dict[str, set[str]]:
    """endpoint → the query parameters it documents (the API refuses any other, so a typo is not ignored)."""
    return {endpoint: {p["name"] for p in params if p["in"] == "query"}
            for _m, _p, endpoint, _s, params, _b, _st, _r in OPERATIONS}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document() -> dict:
    paths: dict = {}
    for method, path, endpoint, summary, params, request_body, status, schema in OPERATIONS:
        public = endpoint == "api.openapi"
        op = {"operationId": endpoint.split(".", 1)[1], "summary": summary, "parameters": params,
              "responses": {str(status): _json(schema, "OK")}}
        if public:
            op["security"] = []
        else:
            op["responses"].update({code: _json(ref("Error"), text) for code, text in ERRORS.items()})
        if request_body is not None:
            op["requestBody"] = request_body
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": "Matchmaker API", "version": "1",
                 "description": "农村劳动力转移就业对接平台 API。令牌在“设置 → API 令牌”中创建；错误信息按 "
                                "Accept-Language（zh-CN 或 en）返回。身份证号、手机号一律脱敏。"},
        "servers": [{"url": bp.url_prefix}],
        "paths": paths,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    }


@bp.get("/openapi.json")
def openapi():
    return document()


QUERY_NAMES = query_names()
