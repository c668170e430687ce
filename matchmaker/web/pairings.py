"""一企一村 pairings, for both parties: an enterprise and a village coordinator."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField

from matchmaker.models.pairings import ACTIVITY_KINDS
from matchmaker.services import pairings
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from matchmaker.vocabulary import ACTIVITY_KIND
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import REFUSED, attempt, db_int, options, show_error

bp = Blueprint("pairings", __name__, url_prefix="/pairings")


class ActivityForm(FlaskForm):
    class Meta:
        csrf = False  # the app-wide CSRFProtect already checks every POST

    kind = SelectField(_l("活动类型"), choices=options((k, ACTIVITY_KIND[k]) for k in ACTIVITY_KINDS), default="publicity")
    held_on = DateField(_l("活动日期"), default=date.today)
    people_reached = IntegerField(_l("覆盖人数"), default=0)
    notes = TextAreaField(_l("备注（不超过 1000 字）"), default="")


@bp.route("/")
@role_required(*pairings.PARTY_ROLES)
def index():
    groups = pairings.grouped(actor())
    everything = groups.to_answer + groups.active + groups.mine + groups.ended
    year = pairings.stats_year(request.args.get("year"))
    return render_template("pairings/index.html", groups=groups, stats=pairings.stats_many(everything, year),
                           year=year, years=pairings.stats_years())


@bp.route("/propose", methods=["GET", "POST"])
@role_required(*pairings.PARTY_ROLES)
def propose():
    if request.method == "POST" and attempt(
            lambda: pairings.propose(actor(), request.form.get("other_id", type=db_int)),
            _("结对申请已发出，等待对方确认。")) is not REFUSED:
        return redirect(url_for("pairings.index"))
    q = request.values.get("q", "")
    return render_template("pairings/propose.html", q=q, results=pairings.search_candidates(actor(), q))


def _post(action, message):
    attempt(action, message)
    return redirect(url_for("pairings.index"))


@bp.route("/<int:pairing_id>/accept", methods=["POST"])
@role_required(*pairings.PARTY_ROLES)
def accept(pairing_id):
    return _post(lambda: pairings.accept(actor(), pairing_id), _("已同意结对。"))


@bp.route("/<int:pairing_id>/decline", methods=["POST"])
@role_required(*pairings.PARTY_ROLES)
def decline(pairing_id):
    return _post(lambda: pairings.decline(actor(), pairing_id), _("已拒绝结对申请。"))


@bp.route("/<int:pairing_id>/end", methods=["POST"])
@role_required(*pairings.PARTY_ROLES)
def end(pairing_id):
    return _post(lambda: pairings.end(actor(), pairing_id), _("结对已结束。"))


@bp.route("/<int:pairing_id>/target", methods=["POST"])
@role_required(*pairings.PARTY_ROLES)
def target(pairing_id):
    return _post(lambda: pairings.set_target(actor(), pairing_id, request.form.get("annual_target", type=db_int)),
                 _("年度目标已保存。"))


@bp.route("/<int:pairing_id>/activities", methods=["GET", "POST"])
@role_required(*pairings.PARTY_ROLES)
def activities(pairing_id):
    form = ActivityForm()
    if request.method == "POST":
        try:
            pairings.log_activity(actor(), pairing_id, form.kind.data, form.held_on.data, form.people_reached.data,
                                  form.notes.data or "")
        except (NotFound, Forbidden):
            raise
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_("活动已登记。"), "success")
            return redirect(url_for("pairings.activities", pairing_id=pairing_id))
    pairing, rows = pairings.activities(actor(), pairing_id)
    year = pairings.stats_year(request.args.get("year"))
    return render_template("pairings/activities.html", pairing=pairing, rows=rows, form=form,
                           stats=pairings.stats(pairing, year), year=year, years=pairings.stats_years(),
                           today=date.today())
