"""The domain's codes and what they are called on screen, in the user's language (shared by pages, exports and imports)."""
import flask_babel
from flask_babel import lazy_gettext as _l

ROLE = {"seeker": _l("求职者"), "enterprise": _l("企业"), "coordinator": _l("村级协调员"),
        "school": _l("院校"), "bureau": _l("人社部门")}
ZONE = {"output": _l("劳动力重点输出区"), "nearby": _l("就近转移区"), "aggregation": _l("聚集提升区"),
        "optimisation": _l("优化配置区")}
REGION_LEVEL = {"province": _l("省"), "city": _l("市"), "county": _l("县（市、区）"), "town": _l("镇（街）"),
                "village": _l("村（居）")}
EDUCATION = {0: _l("未上学"), 1: _l("小学"), 2: _l("初中"), 3: _l("高中/中专/技校"), 4: _l("大专"),
             5: _l("本科及以上")}
SKILL_LEVEL = {1: _l("五级/初级工"), 2: _l("四级/中级工"), 3: _l("三级/高级工"), 4: _l("二级/技师"),
               5: _l("一级/高级技师")}
RADIUS = {"village": _l("本村附近"), "county": _l("本县"), "city": _l("本市"), "province": _l("省内"),
          "anywhere": _l("不限")}
WORKER_STATUS = {"available": _l("可就业"), "nominated": _l("已推荐"), "employed": _l("已就业"),
                 "not_seeking": _l("暂不求职")}
WORKER_SOURCE = {"ledger": _l("村台账"), "self": _l("本人注册"), "school": _l("院校")}
VACANCY_STATUS = {"draft": _l("草稿"), "open": _l("招聘中"), "filled": _l("已招满"), "closed": _l("已关闭")}
TRAINING_MODE = {"none": _l("不提供培训"), "train_then_work": _l("先培训后就业"),
                 "work_then_train": _l("先就业后培训"), "order": _l("边培训边就业（订单式）"),
                 "reserve": _l("需求储备式培训")}
LINK_STATUS = {"proposed": _l("待确认"), "active": _l("进行中"), "declined": _l("已拒绝"), "ended": _l("已结束")}
ORDER_CLASS_STATUS = {"open": _l("招生中"), "running": _l("在读"), "graduated": _l("已结业"), "cancelled": _l("已取消")}
STUDENT_STATUS = {"enrolled": _l("在读"), "graduated": _l("已结业"), "left": _l("未结业")}
ACTIVITY_KIND = {"publicity": _l("宣传发动"), "consultation": _l("政策咨询"), "job_fair": _l("招聘会"),
                 "follow_up": _l("跟踪服务"), "other": _l("其他")}
REFERRAL_STATUS = {"submitted": _l("已提交"), "shortlisted": _l("初选通过"), "interview": _l("面试"),
                   "offered": _l("已录用通知"), "hired": _l("已入职"), "rejected": _l("未通过"),
                   "withdrawn": _l("已撤回"), "expired": _l("已过期")}
REFERRAL_CHANNEL = {"application": _l("本人申请"), "nomination": _l("村推荐"), "school": _l("院校推荐"),
                    "invitation": _l("企业邀请")}
INVITATION_STATUS = {"pending": _l("待答复"), "accepted": _l("已接受"), "declined": _l("已谢绝"), "expired": _l("已过期")}
SEX = {"M": _l("男"), "F": _l("女")}

ALL = {
    "role": ROLE, "zone": ZONE, "region_level": REGION_LEVEL, "education": EDUCATION, "skill_level": SKILL_LEVEL,
    "radius": RADIUS, "worker_status": WORKER_STATUS, "worker_source": WORKER_SOURCE,
    "vacancy_status": VACANCY_STATUS, "training_mode": TRAINING_MODE, "link_status": LINK_STATUS,
    "activity_kind": ACTIVITY_KIND, "order_class_status": ORDER_CLASS_STATUS, "student_status": STUDENT_STATUS,
    "referral_status": REFERRAL_STATUS, "referral_channel": REFERRAL_CHANNEL, "sex": SEX,
    "invitation_status": INVITATION_STATUS,
}


def label(kind: str, code) -> str:
    text = ALL[kind].get(code)
    return translated(text) if text is not None else str(code)


def translated(text) -> str:
    """A string defined once for the process (a label above, a reason's wording) in the current locale. Each is
    looked up in the locale's catalogue once, then remembered beside it: a page of ranked candidates shows some
    500 of them, and Flask-Babel's lookup costs some 20 dictionary reads. Not for strings made per call: the
    memo holds on to what it is given."""
    catalogue = current_catalogue()
    if catalogue is None:  # outside a request or app context: no catalogue to remember in
        return str(text)
    memo = catalogue.__dict__.setdefault("matchmaker_memo", {})
    if type(text) is str:  # a message id, as templates' _() pass them
        found = memo.get(text)
        if found is None:
            found = memo[text] = catalogue.ugettext(text)
        return found
    entry = memo.get(id(text))  # a lazy string: by identity (its hash would translate it)
    if entry is None or entry[0] is not text:
        entry = memo[id(text)] = (text, str(text))
    return entry[1]


def current_catalogue():
    """The request's translation catalogue, kept with the locale it is for (force_locale switches the locale)."""
    ctx = flask_babel._get_current_context()
    if ctx is None:
        return None
    cached = getattr(ctx, "matchmaker_catalogue", None)
    if cached is None or cached[0] is not getattr(ctx, "babel_locale", None):
        translations = flask_babel.get_translations()  # selects the locale first, when not yet chosen
        cached = ctx.matchmaker_catalogue = (getattr(ctx, "babel_locale", None), translations)
    return cached[1]
