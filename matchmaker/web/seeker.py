"""Job seeker (求职者) pages: linking the account to a ledger record, the profile in short steps, and open
vacancies by date (the plain order) or ranked for them with reasons, both with the same filters."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from matchmaker.models.referrals import ACTIVE_REFERRAL_STATUSES, REFERRAL_TRANSITIONS
from matchmaker.services import ledger_links, regions, seekers, workers
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from matchmaker.vocabulary import EDUCATION, RADIUS, SKILL_LEVEL
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import attempt, db_int, options, posted_date, posted_int, submit

bp = Blueprint("seeker", __name__, url_prefix="/seeker")


# --- vacancies --------------------------------------------------------------------------------------------------

def _filters() -> seekers.VacancyFilters:
    wage = (request.args.get("min_wage") or "").strip()
    return seekers.VacancyFilters(
        trade_code=request.args.get("trade_code", "")[:20], trade_text=request.args.get("trade", "")[:40],
        county=request.args.get("county", "")[:12],
        min_wage=int(wage) if wage.isdigit() else (-1 if wage else None),
        housing=request.args.get("housing") == "1", training=request.args.get("training") == "1")


def _filter_args(filters: seekers.VacancyFilters) -> dict:
    """The filters as query arguments, for the tabs and the pages to keep them."""
    args = {"trade": filters.trade_text, "trade_code": filters.trade_code, "county": filters.county,
            "min_wage": filters.min_wage if filters.min_wage is not None and filters.min_wage >= 0 else None,
            "housing": "1" if filters.housing else None, "training": "1" if filters.training else None}
    return {k: v for k, v in args.items() if v not in (None, "")}


def _list(template: str, search, **page_args):
    """Run a vacancy search; a filter it cannot use (an unknown trade) is shown beside the filters, with the
    list unfiltered by it rather than empty."""
    filters, error = _filters(), None
    try:
        page = search(filters)
    except DomainError as e:
        error = e
        page = search(seekers.VacancyFilters())
    return render_template(template, user=actor(), page=page, filters=filters, error=error,
                           args=_filter_args(filters), counties=seekers.counties_with_vacancies(),
                           link=ledger_links.latest_of(actor()) if actor().worker_id is None else None, **page_args)


@bp.route("/")
@role_required("seeker")
def home():
    return _list("seeker/home.html",
                 lambda f: seekers.search_by_date(f, request.args.get("page", 1, type=db_int)),
                 home=seekers.home_place(actor()))


@bp.route("/recommended")
@role_required("seeker")
def recommended():
    return _list("seeker/recommended.html",
                 lambda f: seekers.search_ranked(actor(), f, request.args.get("page", 1, type=db_int)))


@bp.route("/vacancies/<int:vacancy_id>")
@role_required("seeker")
def vacancy(vacancy_id):
    view = seekers.vacancy_for(actor(), vacancy_id)
    return render_template("seeker/vacancy.html", v=view.vacancy, explanation=view.explanation,
                           referral=view.referral, transitions=REFERRAL_TRANSITIONS,
                           active_statuses=ACTIVE_REFERRAL_STATUSES)


# --- linking the account to a ledger record -----------------------------------------------------------------------

class LinkForm(FlaskForm):
    village_code = HiddenField(_l("户籍所在村（居）"))
    name = StringField(_l("真实姓名"), validators=[DataRequired(_l("请填写您的真实姓名。")), Length(max=40)])
    message = TextAreaField(_l("给协调员的留言（可选）"), validators=[Length(max=200)])


class OwnRecordForm(FlaskForm):
    village_code = HiddenField(_l("户籍所在村（居）"))
    name = StringField(_l("真实姓名"), validators=[DataRequired(_l("请填写您的真实姓名。")), Length(max=40)])
    id_number = StringField(_l("身份证号"), validators=[DataRequired(_l("请填写身份证号。"))])
    education = SelectField(_l("文化程度"), coerce=int, default=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.education.choices = options((k, str(v)) for k, v in EDUCATION.items())


def _unlinked_only():
    if actor().worker_id is not None:
        flash(_("您的账号已与台账记录关联。"), "success")
        return redirect(url_for("seeker.profile"))
    return None


@bp.route("/link", methods=["GET", "POST"])
@role_required("seeker")
def link():
    if (done := _unlinked_only()) is not None:
        return done
    form = LinkForm()
    if done := submit(form, lambda: ledger_links.request_link(actor(), form.village_code.data, form.name.data,
                                                              form.message.data),
                      _("已提交。村协调员核实您的身份后会为您关联，请留意本页状态。"), url_for("seeker.home")):
        return done
    return render_template("seeker/link.html", form=form, chosen=regions.village_path(form.village_code.data),
                           pending=ledger_links.pending_of(actor()))


@bp.route("/link/<int:request_id>/cancel", methods=["POST"])
@role_required("seeker")
def cancel_link(request_id):
    attempt(lambda: ledger_links.cancel(actor(), request_id), _("已撤回关联申请。"))
    return redirect(url_for("seeker.home"))


@bp.route("/record/new", methods=["GET", "POST"])
@role_required("seeker")
def new_record():
    if (done := _unlinked_only()) is not None:
        return done
    form = OwnRecordForm()
    entry = workers.LedgerEntry(name=form.name.data, id_number=form.id_number.data,
                                phone=actor().login if actor().login.isdigit() else "", education=form.education.data)
    if done := submit(form, lambda: seekers.create_own_record(actor(), form.village_code.data, entry),
                      _("已建立您的求职档案。接下来请分几步补充技能和求职意向。"), url_for("seeker.profile")):
        return done
    return render_template("seeker/record_form.html", form=form, chosen=regions.village_path(form.village_code.data))


# --- the profile, in short steps ----------------------------------------------------------------------------------

STEP_TITLES = {"skills": _l("技能"), "certificates": _l("证书"), "training": _l("培训经历"),
               "where": _l("去哪里工作"), "wage": _l("期望月薪"), "availability": _l("何时可以上岗")}


def _record():
    record = seekers.own_record(actor())
    if record is None:
        flash(_("请先关联或建立您的台账记录。"), "error")
    return record


@bp.route("/profile")
@role_required("seeker")
def profile():
    record = _record()
    if record is None:
        return redirect(url_for("seeker.home"))
    share, missing = workers.completeness(record)
    return render_template("seeker/profile.html", w=record, share=share, missing=missing, titles=STEP_TITLES,
                           steps=seekers.PROFILE_STEPS, done=seekers.step_done(record))



def _step_action(user, worker_id: int, step: str, action: str):
    """One step's form → one service call; returns the message to flash and whether to move to the next step."""
    version = request.form.get("version")
    trade = request.form.get("trade", "")
    if step == "skills" and action == "add":
        workers.add_skill(user, worker_id, version, trade, posted_int("level"))
        return _("已添加技能。"), False
    if step == "skills" and action == "remove":
        workers.remove_skill(user, worker_id, version, posted_int("skill_id"))
        return _("已删除技能。"), False
    if step == "certificates" and action == "add":
        workers.add_certificate(user, worker_id, version, trade, posted_int("level"), request.form.get("number", ""),
                                posted_date("issued_on"))
        return _("已添加证书。"), False
    if step == "certificates" and action == "remove":
        workers.remove_certificate(user, worker_id, version, posted_int("item_id"))
        return _("已删除证书。"), False
    if step == "training" and action == "remove":
        workers.remove_training(user, worker_id, version, posted_int("item_id"))
        return _("已删除培训记录。"), False
    if step == "training" and action == "add":
        workers.add_training(user, worker_id, version, request.form.get("course", ""), trade, posted_int("hours") or 0,
                             request.form.get("completed") == "1")
        return _("已添加培训记录。"), False
    if step == "where":
        seekers.set_radius(user, worker_id, version, request.form.get("radius", ""),
                           request.form.get("willing_to_train") == "1")
        return _("已保存。"), True
    if step == "wage":
        seekers.set_min_wage(user, worker_id, version, posted_int("min_wage"))
        return _("已保存。"), True
    if step == "availability":
        seekers.set_availability(user, worker_id, version, posted_date("available_from"),
                                 request.form.get("seeking") != "0")
        return _("已保存。"), True
    raise DomainError(_("无效的操作。"))


@bp.route("/profile/<step>", methods=["GET", "POST"])
@role_required("seeker")
def profile_step(step):
    if step not in seekers.PROFILE_STEPS:
        abort(404)
    record = _record()
    if record is None:
        return redirect(url_for("seeker.home"))
    index = seekers.PROFILE_STEPS.index(step)
    following = seekers.PROFILE_STEPS[index + 1] if index + 1 < len(seekers.PROFILE_STEPS) else None
    error = None
    if request.method == "POST":
        try:
            message, advance = _step_action(actor(), record.id, step, request.form.get("action", ""))
        except (NotFound, Forbidden):
            raise
        except DomainError as e:
            error = e
            record = seekers.own_record(actor())
        else:
            flash(message, "success")
            if advance:
                return redirect(url_for("seeker.profile_step", step=following) if following
                                else url_for("seeker.profile"))
            return redirect(url_for("seeker.profile_step", step=step))
    typed = request.form if error is not None else {}
    return render_template("seeker/profile_step.html", w=record, step=step, title=STEP_TITLES[step],
                           number=index + 1, total=len(seekers.PROFILE_STEPS), following=following,
                           previous=seekers.PROFILE_STEPS[index - 1] if index else None, error=error, typed=typed,
                           radius=RADIUS, levels=SKILL_LEVEL), (400 if error is not None else 200)
