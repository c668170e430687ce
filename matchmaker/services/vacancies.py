"""Vacancies: an enterprise posts, edits, publishes, closes and copies them; seekers browse what is open.

Status moves as data (VACANCY_TRANSITIONS): draft → open (published); open → closed; closed → open again only
while places remain; open → filled is the hire flow's (services/referrals.py), and filled → open only after the
headcount was raised. Every change checks the owner, validates everything before touching a row, writes the
audit entry and tells the matching engine, in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from matchmaker.extensions import db
from matchmaker.matching.errors import MatchingInputError
from matchmaker.models import Enterprise, Park, Region, Trade, User, Vacancy, VacancyTrade
from matchmaker.models.vacancies import VACANCY_TRAINING
from matchmaker.orm import utcnow
from matchmaker.services import audit, matching, notifications, referrals, regions
from matchmaker.services import rows as plain
from matchmaker.services.errors import DomainError, refused_on_conflict
from matchmaker.services.paging import ResultPage
from matchmaker.services.permissions import load_for, require

#: allowed status changes by the enterprise (filled is set by the hire flow)
VACANCY_TRANSITIONS = {"draft": {"open"}, "open": {"closed"}, "closed": {"open"}, "filled": {"open"}}

TITLE_MAX = 80
DESCRIPTION_MAX = 2000
MAX_TRADES = 10
MAX_HEADCOUNT = 10000
MAX_WAGE = 100000
AGE_MIN, AGE_MAX = 16, 65

#: the fields an edit may change, in the order the audit entry lists them
_FIELDS = ("title", "site_county_id", "site_park_id", "longitude", "latitude", "headcount", "wage_min", "wage_max",
           "age_min", "age_max", "min_education", "training_mode", "housing", "description", "deadline",
           "reserved_for_paired")


@dataclass
class TradeRequirement:
    """One required trade as the form sends it: the code chosen in the picker (may be empty without
    JavaScript), the text the user typed, and the minimum level 1–5."""
    code: str = ""
    name: str = ""
    level: int | None = 1


@dataclass
class VacancyInput:
    title: str = ""
    site_park_id: int | None = None      # one of the enterprise's parks, or None …
    site_county_code: str = ""           # … then a county (region code)
    trades: list[TradeRequirement] = field(default_factory=list)  # none at all: general labour (普工)
    headcount: int | None = 1
    wage_min: int | None = None
    wage_max: int | None = None
    age_min: int | None = 18
    age_max: int | None = 55
    min_education: int | None = 0
    training_mode: str = "none"
    housing: bool = False
    description: str = ""
    deadline: date | None = None
    reserved_for_paired: bool = False


# --- reading ------------------------------------------------------------------------------------------------

def listed(query):
    """A query of vacancies with what the API's vacancy shows: its enterprise, county and park join the row
    query; its trades (with their names) come in one more. Two round trips, not five."""
    return query.options(joinedload(Vacancy.enterprise), joinedload(Vacancy.site_county),
                         joinedload(Vacancy.site_park), selectinload(Vacancy.trades).joinedload(VacancyTrade.trade))


@dataclass(frozen=True, slots=True)
class ListedVacancy:
    """A vacancy as the seekers' lists show it (templates/_macros/vacancy.html), in plain values. Read without
    the ORM: building the objects took twice the CPU of the whole read model for a 20-row page."""
    id: int
    title: str
    enterprise_name: str
    place_name: str  # its park's name, else its county's
    wage_min: int
    wage_max: int
    open_places: int
    housing: bool
    training_mode: str
    trades: tuple[tuple[str, int], ...]  # (trade name, minimum level); none for general labour


_SITE_COUNTY = aliased(Region)
#: the rows of ListedVacancy but its trades; callers add where, order and limit (Vacancy's columns are in scope)
LISTED = (select(Vacancy.id, Vacancy.title, Enterprise.name, func.coalesce(Park.name, _SITE_COUNTY.name),
                 Vacancy.wage_min, Vacancy.wage_max, Vacancy.headcount - Vacancy.filled, Vacancy.housing,
                 Vacancy.training_mode)
          .join(Enterprise, Enterprise.id == Vacancy.enterprise_id)
          .join(_SITE_COUNTY, _SITE_COUNTY.id == Vacancy.site_county_id)
          .outerjoin(Park, Park.id == Vacancy.site_park_id))
_LISTED_TRADES = (select(VacancyTrade.vacancy_id, Trade.name, VacancyTrade.min_level)
                  .join(Trade, Trade.id == VacancyTrade.trade_id)
                  .where(VacancyTrade.vacancy_id.in_(bindparam("ids", expanding=True)))
                  .order_by(VacancyTrade.vacancy_id, VacancyTrade.id))


#: the open ones of the vacancies whose ids are given as ``ids``, in no order: a page of a ranked list. Built once
#: (see notifications._UNREAD_COUNT): working out the cache key of this four-table join took 4% of such a page.
LISTED_OPEN_BY_IDS = LISTED.where(Vacancy.id.in_(bindparam("ids", expanding=True)), Vacancy.status == "open")


def load_listed(query, params: dict | None = None) -> list[ListedVacancy]:
    """Run a query built on LISTED: its rows, in its order, each with its trades (one more statement)."""
    found = plain.rows(query, params)
    trades: dict[int, list[tuple[str, int]]] = {}
    if found:
        for vacancy_id, name, min_level in plain.rows(_LISTED_TRADES, {"ids": [r[0] for r in found]}):
            trades.setdefault(vacancy_id, []).append((name, min_level))
    return [ListedVacancy(*row, trades=tuple(trades.get(row[0], ()))) for row in found]


def open_vacancies_page(page: int, per_page: int = 20) -> ResultPage:
    """Open vacancies, newest first: the plain, non-personalised order every seeker can choose (PIPL Art. 24)."""
    query = listed(select(Vacancy).where(Vacancy.status == "open")).order_by(Vacancy.published_at.desc(),
                                                                             Vacancy.id.desc())
    return page_of_open(query, page, per_page, filters_key=(), load=lambda q: list(db.session.scalars(q)))


def page_of_open(query, page: int, per_page: int, filters_key: tuple, load=load_listed) -> ResultPage:
    """One page of a query of open vacancies, each row as ``load`` makes it (``filters_key``: what the query's
    filters are). The total is counted once for as long as no vacancy changes: every change to a vacancy is
    noted for the matching index, which then forgets it. Counting 10,000 open vacancies took PostgreSQL ~2 ms on
    every page of the search."""
    page = max(1, page)
    items = load(query.limit(per_page).offset((page - 1) * per_page))

    def count() -> int:
        return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0

    try:
        total = matching.current().remember(("open vacancies", filters_key), count, of_vacancies_only=True)
    except MatchingInputError:  # no index before `flask seed` loads the trades: nothing to remember by
        total = count()
    return ResultPage(items, page, per_page, total)


def enterprise_vacancies_page(actor: User, page: int, per_page: int = 20, status: str = ""):
    """The actor's own enterprise's vacancies, newest first, whatever their status."""
    enterprise = _own_enterprise(actor)
    query = (select(Vacancy).where(Vacancy.enterprise_id == enterprise.id)
             .options(selectinload(Vacancy.site_county), selectinload(Vacancy.site_park),
                      selectinload(Vacancy.trades).selectinload(VacancyTrade.trade))
             .order_by(Vacancy.id.desc()))
    if status in VACANCY_TRANSITIONS:
        query = query.where(Vacancy.status == status)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def vacancy_for_edit(actor: User, vacancy_id: int) -> Vacancy:
    return load_for(actor, Vacancy, vacancy_id, "edit")


def sites_of(actor: User) -> list[Park]:
    """The parks an enterprise may place a vacancy in: its own."""
    enterprise = _own_enterprise(actor)
    return [enterprise.park] if enterprise.park is not None else []


def county_name(code: str | None) -> str:
    """The county's name with its city (梅州市 五华县), for the form to say where the site is now."""
    county = db.session.scalar(select(Region).where(Region.code == (code or ""), Region.level == "county"))
    if county is None:
        return ""
    return regions.county_label(county)


def can_publish(vacancy: Vacancy) -> bool:
    return "open" in VACANCY_TRANSITIONS[vacancy.status] and vacancy.open_places > 0


def can_close(vacancy: Vacancy) -> bool:
    return "closed" in VACANCY_TRANSITIONS[vacancy.status]


def input_from(vacancy: Vacancy) -> VacancyInput:
    """A vacancy as the form shows it (edit page, copy)."""
    return VacancyInput(
        title=vacancy.title, site_park_id=vacancy.site_park_id, site_county_code=vacancy.site_county.code,
        trades=[TradeRequirement(t.trade.code, t.trade.name, t.min_level) for t in vacancy.trades],
        headcount=vacancy.headcount, wage_min=vacancy.wage_min, wage_max=vacancy.wage_max, age_min=vacancy.age_min,
        age_max=vacancy.age_max, min_education=vacancy.min_education, training_mode=vacancy.training_mode,
        housing=vacancy.housing, description=vacancy.description, deadline=vacancy.deadline,
        reserved_for_paired=vacancy.reserved_for_paired)


# --- validation (nothing is written until all of it passes) -----------------------------------------------

def _own_enterprise(actor: User):
    enterprise = getattr(actor, "enterprise", None) if getattr(actor, "role", None) == "enterprise" else None
    require(actor, "edit", enterprise)
    return enterprise


def _int(value, message: str, name: str, lo: int, hi: int) -> int:
    """A whole number in [lo, hi] (an int, or digits as a form sends them), else the field's message."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) <= 12:
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise DomainError(message, name)
    return value


def _site(enterprise, data: VacancyInput) -> tuple[Region, Park | None]:
    if data.site_park_id not in (None, "", 0):
        park = db.session.get(Park, int(data.site_park_id)) if str(data.site_park_id).isdigit() else None
        if park is None or park.id != enterprise.park_id:
            raise DomainError(_("工作地点：请选择本企业所在的产业园，或不选园区而选择县（市、区）。"), "site_park_id")
        return park.county, park
    code = (data.site_county_code or "").strip()
    county = db.session.scalar(select(Region).where(Region.code == code, Region.level == "county")) if code else None
    if county is None:
        raise DomainError(_("工作地点：请选择岗位所在的县（市、区）。"), "site_county_code")
    return county, None


def _trades(rows: list[TradeRequirement]) -> list[tuple[Trade, int]]:
    """Resolve each row to a trade: the picker's code when it is a known trade, else the typed name normalised
    against the catalogue; below the confidence threshold, the user chooses among the candidates."""
    rows = [r for r in rows if (r.code or "").strip() or (r.name or "").strip()]
    if len(rows) > MAX_TRADES:
        raise DomainError(_("所需工种最多填写 %(n)s 个。", n=MAX_TRADES), "trades")
    catalogue = matching.current().catalogue if rows else None
    out: list[tuple[Trade, int]] = []
    seen: set[str] = set()
    for row in rows:
        code = (row.code or "").strip()
        typed = (row.name or "").strip()
        if code not in catalogue:
            if not typed:
                raise DomainError(_("所需工种：请填写工种名称。"), "trades")
            found = catalogue.normalise(typed)
            if found.code is None:
                names = "、".join(dict.fromkeys(name for _code, name, _score in found.candidates))
                if names:
                    raise DomainError(_("所需工种：未能确定“%(text)s”是哪个工种，您要找的是不是：%(names)s？请填写其中一个。",
                                        text=typed[:40], names=names), "trades")
                raise DomainError(_("所需工种：未能识别“%(text)s”，请换一种说法，例如“焊工”“电工”。", text=typed[:40]),
                                  "trades")
            code = found.code
        level = _int(row.level, _("所需工种：技能等级应为 1 到 5 级。"), "trades", 1, 5)
        if code in seen:
            raise DomainError(_("所需工种：“%(name)s”填写了不止一次。", name=catalogue.name(code)), "trades")
        seen.add(code)
        trade = db.session.scalar(select(Trade).where(Trade.code == code, Trade.level == 4))
        if trade is None:  # the catalogue and the table disagree: refuse rather than guess
            raise DomainError(_("所需工种：未能识别“%(text)s”。", text=typed[:40] or code), "trades")
        out.append((trade, level))
    return out


def _validate(enterprise, data: VacancyInput, filled: int = 0, old_deadline: date | None = None) -> dict:
    title = (data.title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise DomainError(_("请填写岗位名称（不超过 %(n)s 个字）。", n=TITLE_MAX), "title")
    county, park = _site(enterprise, data)
    headcount = _int(data.headcount, _("招聘人数应为 1 到 %(n)s 之间的整数。", n=MAX_HEADCOUNT), "headcount", 1,
                     MAX_HEADCOUNT)
    if headcount < filled:
        raise DomainError(_("招聘人数不能少于已录用的 %(n)s 人。", n=filled), "headcount")
    wage_message = _("月薪应为 0 到 %(n)s 元之间的整数。", n=MAX_WAGE)
    wage_min = _int(data.wage_min, wage_message, "wage_min", 0, MAX_WAGE)
    wage_max = _int(data.wage_max, wage_message, "wage_max", 0, MAX_WAGE)
    if wage_min > wage_max:
        raise DomainError(_("月薪下限不能高于上限。"), "wage_min")
    age_min = _int(data.age_min, _("年龄下限应在 %(lo)s 到 %(hi)s 岁之间（不招用未满 16 周岁的未成年人）。",
                                   lo=AGE_MIN, hi=AGE_MAX), "age_min", AGE_MIN, AGE_MAX)
    age_max = _int(data.age_max, _("年龄上限应在 %(lo)s 到 %(hi)s 岁之间。", lo=AGE_MIN, hi=AGE_MAX), "age_max",
                   AGE_MIN, AGE_MAX)
    if age_min > age_max:
        raise DomainError(_("年龄下限不能高于上限。"), "age_min")
    education = _int(data.min_education, _("请选择最低文化程度。"), "min_education", 0, 5)
    if data.training_mode not in VACANCY_TRAINING:
        raise DomainError(_("请选择培训方式。"), "training_mode")
    description = (data.description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(_("岗位描述不超过 %(n)s 个字。", n=DESCRIPTION_MAX), "description")
    if data.deadline is not None and data.deadline != old_deadline and data.deadline < date.today():
        raise DomainError(_("报名截止日期不能早于今天。"), "deadline")
    trades = _trades(data.trades)
    lon = park.longitude if park is not None and park.longitude is not None else county.longitude
    lat = park.latitude if park is not None and park.latitude is not None else county.latitude
    return {"fields": dict(
        title=title, site_county_id=county.id, site_park_id=park.id if park else None, longitude=lon, latitude=lat,
        headcount=headcount, wage_min=wage_min, wage_max=wage_max, age_min=age_min, age_max=age_max,
        min_education=education, training_mode=data.training_mode, housing=bool(data.housing),
        description=description, deadline=data.deadline, reserved_for_paired=bool(data.reserved_for_paired)),
        "trades": trades}


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _trade_list(vacancy: Vacancy) -> list[list]:
    return sorted([t.trade.code, t.min_level] for t in vacancy.trades)


def _commit() -> None:
    # A hire landed between our read and our write (filled ≤ headcount is a database constraint too).
    with refused_on_conflict(_("招聘人数不能少于已录用人数，请刷新后重试。"), "headcount"):
        db.session.commit()


# --- use cases ---------------------------------------------------------------------------------------------

def create_vacancy(actor: User, data: VacancyInput) -> Vacancy:
    """A new vacancy, saved as a draft (not yet visible to anyone else)."""
    enterprise = _own_enterprise(actor)
    valid = _validate(enterprise, data)
    vacancy = Vacancy(enterprise_id=enterprise.id, status="draft", filled=0, **valid["fields"])
    vacancy.trades = [VacancyTrade(trade_id=t.id, min_level=level) for t, level in valid["trades"]]
    db.session.add(vacancy)
    db.session.flush()
    audit.record(actor, "vacancy.create", "vacancy", vacancy.id, title=vacancy.title,
                 trades=[[t.code, level] for t, level in valid["trades"]])
    matching.note_change("vacancy", vacancy.id)
    _commit()
    return vacancy


def update_vacancy(actor: User, vacancy_id: int, data: VacancyInput) -> Vacancy:
    vacancy = load_for(actor, Vacancy, vacancy_id, "edit")
    valid = _validate(vacancy.enterprise, data, filled=vacancy.filled, old_deadline=vacancy.deadline)
    changes = {}
    for name, value in valid["fields"].items():
        if getattr(vacancy, name) != value:
            changes[name] = [_plain(getattr(vacancy, name)), _plain(value)]
            setattr(vacancy, name, value)
    old_trades = _trade_list(vacancy)
    new_trades = sorted([t.code, level] for t, level in valid["trades"])
    if old_trades != new_trades:
        wanted = {t.id: level for t, level in valid["trades"]}
        for row in list(vacancy.trades):
            if row.trade_id not in wanted:
                vacancy.trades.remove(row)
            else:
                row.min_level = wanted.pop(row.trade_id)
        db.session.flush()  # deletes before inserts: (vacancy_id, trade_id) is unique
        vacancy.trades.extend(VacancyTrade(trade_id=tid, min_level=level) for tid, level in wanted.items())
        changes["trades"] = [old_trades, new_trades]
    if vacancy.status == "open" and vacancy.filled >= vacancy.headcount:
        changes["status"] = [vacancy.status, "filled"]
        vacancy.status = "filled"
        referrals.lapse_invitations(vacancy_id=vacancy.id)
    if changes:
        audit.record(actor, "vacancy.update", "vacancy", vacancy.id, changes=changes)
        matching.note_change("vacancy", vacancy.id)
    _commit()
    return vacancy


def _move(actor: User, vacancy_id: int, to_status: str) -> Vacancy:
    vacancy = load_for(actor, Vacancy, vacancy_id, "edit")
    if to_status not in VACANCY_TRANSITIONS[vacancy.status]:
        if to_status == "open":
            raise DomainError(_("该岗位正在招聘中，无需再次发布。"), "status")
        raise DomainError(_("只有招聘中的岗位可以关闭。"), "status")
    if to_status == "open":
        if vacancy.open_places <= 0:
            raise DomainError(_("该岗位已招满（%(n)s 人），请先增加招聘人数再重新发布。", n=vacancy.headcount), "headcount")
        if vacancy.deadline is not None and vacancy.deadline < date.today():
            raise DomainError(_("报名截止日期已过，请先修改截止日期再发布。"), "deadline")
        if vacancy.published_at is None:
            vacancy.published_at = utcnow()
            notifications.vacancy_published(vacancy)  # first publication only; before note_change (see there)
    from_status, vacancy.status = vacancy.status, to_status
    audit.record(actor, "vacancy.publish" if to_status == "open" else "vacancy.close", "vacancy", vacancy.id,
                 from_status=from_status, to_status=to_status)
    matching.note_change("vacancy", vacancy.id)
    db.session.commit()
    return vacancy


def publish(actor: User, vacancy_id: int) -> Vacancy:
    """Draft → open (or closed → open again while places remain): from now on it is ranked and listed."""
    return _move(actor, vacancy_id, "open")


def close(actor: User, vacancy_id: int) -> Vacancy:
    """Open → closed: no longer listed or ranked; referrals already made stay as they are."""
    return _move(actor, vacancy_id, "closed")


def copy(actor: User, vacancy_id: int) -> Vacancy:
    """A new draft with the same fields and trades (no hires, not published)."""
    source = load_for(actor, Vacancy, vacancy_id, "edit")
    vacancy = Vacancy(enterprise_id=source.enterprise_id, status="draft", filled=0,
                      **{name: getattr(source, name) for name in _FIELDS})
    if vacancy.deadline is not None and vacancy.deadline < date.today():
        vacancy.deadline = None
    vacancy.trades = [VacancyTrade(trade_id=t.trade_id, min_level=t.min_level) for t in source.trades]
    db.session.add(vacancy)
    db.session.flush()
    audit.record(actor, "vacancy.copy", "vacancy", vacancy.id, source_id=source.id)
    matching.note_change("vacancy", vacancy.id)
    db.session.commit()
    return vacancy
