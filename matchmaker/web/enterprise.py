"""Enterprise (企业) pages: the landing page, vacancies (list, new, edit, publish, close, copy), candidates."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, HiddenField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import Optional

from matchmaker.services import dashboards, invitations, rankings, regions, vacancies
from matchmaker.services.errors import DomainError
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import REFUSED, attempt, db_int, options, submit
from matchmaker.vocabulary import EDUCATION, SKILL_LEVEL, TRAINING_MODE, ZONE

bp = Blueprint("enterprise", __name__, url_prefix="/enterprise")


@bp.route("/")
@role_required("enterprise")
def home():
    return render_template("enterprise/home.html", **dashboards.enterprise_landing(actor()))


@bp.route("/vacancies/<int:vacancy_id>/candidates")
@role_required("enterprise")
def candidates(vacancy_id):
    args = request.args
    county = args.get("county", "")
    # A county is a 6-digit code; anything else (a hand-edited URL) filters nothing rather than failing.
    county = county if len(county) == 6 and county.isdigit() else ""
    min_level = args.get("min_level", type=db_int)
    filters = rankings.CandidateFilters(county=county, zone=args.get("zone", "") if args.get("zone") in ZONE else "",
                                        max_km=args.get("max_km", type=float), paired_only=args.get("paired") == "1",
                                        min_level=min_level if min_level in SKILL_LEVEL else None)
    offset = (max(args.get("page", 1, type=db_int), 1) - 1) * CANDIDATES_PER_PAGE
    error = None
    try:
        result = rankings.candidates_for(actor(), vacancy_id, filters, k=CANDIDATES_PER_PAGE, offset=offset)
    except DomainError as e:
        if e.field is None:
            raise
        error, filters.max_km = e.message, None
        result = rankings.candidates_for(actor(), vacancy_id, filters, k=CANDIDATES_PER_PAGE, offset=offset)
    invited = invitations.statuses_for(actor(), result.vacancy, [r.worker.id for r in result.rows])
    return render_template("enterprise/candidates.html", result=result, filters=filters, error=error, zones=ZONE,
                           counties=regions.county_options(), levels=SKILL_LEVEL, args=_candidate_args(filters),
                           invited=invited)


@bp.route("/vacancies/<int:vacancy_id>/candidates/<int:worker_id>/invite", methods=["POST"])
@role_required("enterprise")
def invite(vacancy_id, worker_id):
    attempt(lambda: invitations.invite(actor(), vacancy_id, worker_id, request.form.get("note", "")),
            _("已发出邀请。对方接受后，您会收到通知并可在推荐进展中看到其应聘。"))
    # back to the same page of the same filtered list
    back = {k: v for k, v in request.form.items() if k in ("page", "county", "zone", "max_km", "paired", "min_level")}
    return redirect(url_for("enterprise.candidates", vacancy_id=vacancy_id, **back))


#: 20 rows a page: a page of score cards renders in about 10 ms; 50 took 27 ms (measured at 100,000 workers)
CANDIDATES_PER_PAGE = 20


def _candidate_args(filters: rankings.CandidateFilters) -> dict:
    """The filters as query arguments, for the pager to keep them."""
    args = {"county": filters.county, "zone": filters.zone, "max_km": filters.max_km,
            "paired": "1" if filters.paired_only else "", "min_level": filters.min_level}
    return {k: v for k, v in args.items() if v}


# --- vacancies --------------------------------------------------------------------------------------------

class TradeRowForm(Form):
    """One required trade: the picker fills `code`; without JavaScript the typed `text` is normalised."""
    code = HiddenField()
    text = StringField(_l("工种"))
    level = SelectField(_l("最低技能等级"), coerce=int, default=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = options((k, str(v)) for k, v in SKILL_LEVEL.items())


class VacancyForm(FlaskForm):
    title = StringField(_l("岗位名称"))
    site_park_id = SelectField(_l("所在产业园"), default="")
    site_county_code = HiddenField(_l("所在县（市、区）"))
    trades = FieldList(FormField(TradeRowForm), label=_l("所需工种"), min_entries=3,
                       max_entries=vacancies.MAX_TRADES)
    headcount = IntegerField(_l("招聘人数"), validators=[Optional()])
    wage_min = IntegerField(_l("月薪下限（元）"), validators=[Optional()])
    wage_max = IntegerField(_l("月薪上限（元）"), validators=[Optional()])
    age_min = IntegerField(_l("年龄下限（岁）"), validators=[Optional()], default=18)
    age_max = IntegerField(_l("年龄上限（岁）"), validators=[Optional()], default=55)
    min_education = SelectField(_l("最低文化程度"), coerce=int, default=0)
    training_mode = SelectField(_l("培训方式"), default="none")
    housing = BooleanField(_l("提供住宿（包住宿）"))
    description = TextAreaField(_l("岗位描述（工作内容、班次、福利等）"))
    deadline = DateField(_l("报名截止日期（可不填）"), validators=[Optional()])
    reserved_for_paired = BooleanField(_l("只面向一企一村结对村的劳动力"))

    def __init__(self, parks, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_park_id.choices = options([("", _("不在园区：按下方的县（市、区）"))] + [(str(p.id), p.name) for p in parks])
        self.min_education.choices = options((k, str(v)) for k, v in EDUCATION.items())
        self.training_mode.choices = options((k, str(v)) for k, v in TRAINING_MODE.items())
        if request.method == "GET" and all((row.form.code.data or row.form.text.data) for row in self.trades) \
                and len(self.trades) < vacancies.MAX_TRADES:
            self.trades.append_entry()  # always one blank row to add a trade without JavaScript

    def to_input(self) -> vacancies.VacancyInput:
        park = self.site_park_id.data
        return vacancies.VacancyInput(
            title=self.title.data or "", site_park_id=int(park) if park and park.isdigit() else None,
            site_county_code=self.site_county_code.data or "",
            trades=[vacancies.TradeRequirement(row.form.code.data or "", row.form.text.data or "", row.form.level.data)
                    for row in self.trades],
            **{name: getattr(self, name).data for name in (
                "headcount", "wage_min", "wage_max", "age_min", "age_max", "min_education", "training_mode",
                "housing", "description", "deadline", "reserved_for_paired")})


def _form_data(data: vacancies.VacancyInput) -> dict:
    values = {k: v for k, v in vars(data).items() if k != "trades"}
    values["site_park_id"] = str(data.site_park_id) if data.site_park_id else ""
    values["trades"] = [{"code": t.code, "text": t.name, "level": t.level} for t in data.trades]
    return values


def _save(form, save, vacancy=None):
    """Save the vacancy, and publish it when that button was pressed."""
    publishing = bool(request.form.get("publish"))

    def save_and_publish():
        saved = save(form.to_input())
        return vacancies.publish(actor(), saved.id) if publishing and saved.status == "draft" else saved

    if done := submit(form, save_and_publish,
                      lambda saved: _("岗位“%(title)s”已发布，正在招聘。", title=saved.title)
                      if publishing and saved.status == "open" else _("岗位“%(title)s”已保存。", title=saved.title),
                      url_for("enterprise.vacancy_list")):
        return done
    return render_template("enterprise/vacancy_form.html", form=form, vacancy=vacancy,
                           county_name=vacancies.county_name(form.site_county_code.data))


@bp.route("/vacancies")
@role_required("enterprise")
def vacancy_list():
    page = vacancies.enterprise_vacancies_page(actor(), request.args.get("page", 1, type=db_int))
    return render_template("enterprise/vacancy_list.html", page=page, can_publish=vacancies.can_publish,
                           can_close=vacancies.can_close)


@bp.route("/vacancies/new", methods=["GET", "POST"])
@role_required("enterprise")
def new_vacancy():
    user = actor()
    blank = vacancies.VacancyInput(site_county_code=user.enterprise.county.code,
                                   site_park_id=user.enterprise.park_id)
    form = VacancyForm(vacancies.sites_of(user), data=_form_data(blank) if request.method == "GET" else None)
    return _save(form, lambda data: vacancies.create_vacancy(user, data))


@bp.route("/vacancies/<int:vacancy_id>/edit", methods=["GET", "POST"])
@role_required("enterprise")
def edit_vacancy(vacancy_id):
    user = actor()
    vacancy = vacancies.vacancy_for_edit(user, vacancy_id)
    form = VacancyForm(vacancies.sites_of(user),
                       data=_form_data(vacancies.input_from(vacancy)) if request.method == "GET" else None)
    return _save(form, lambda data: vacancies.update_vacancy(user, vacancy_id, data), vacancy)


def _status_action(action, vacancy_id, done):
    vacancy = attempt(lambda: action(actor(), vacancy_id), lambda v: done % {"title": v.title})
    return None if vacancy is REFUSED else vacancy


@bp.route("/vacancies/<int:vacancy_id>/publish", methods=["POST"])
@role_required("enterprise")
def publish_vacancy(vacancy_id):
    _status_action(vacancies.publish, vacancy_id, _("岗位“%(title)s”已发布，正在招聘。"))
    return redirect(url_for("enterprise.vacancy_list"))


@bp.route("/vacancies/<int:vacancy_id>/close", methods=["POST"])
@role_required("enterprise")
def close_vacancy(vacancy_id):
    _status_action(vacancies.close, vacancy_id, _("岗位“%(title)s”已关闭，不再接受推荐和申请。"))
    return redirect(url_for("enterprise.vacancy_list"))


@bp.route("/vacancies/<int:vacancy_id>/copy", methods=["POST"])
@role_required("enterprise")
def copy_vacancy(vacancy_id):
    copied = _status_action(vacancies.copy, vacancy_id, _("已复制为新草稿“%(title)s”，请修改后发布。"))
    if copied is None:
        return redirect(url_for("enterprise.vacancy_list"))
    return redirect(url_for("enterprise.edit_vacancy", vacancy_id=copied.id))
