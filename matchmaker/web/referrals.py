"""Referrals across roles: a coordinator nominates, a seeker applies, the enterprise moves each one on and hires."""
from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from matchmaker.models.referrals import REFERRAL_STATUSES, REFERRAL_TRANSITIONS
from matchmaker.services import referrals
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import REFUSED, attempt, db_int

bp = Blueprint("referrals", __name__, url_prefix="/referrals")


def _back(default: str):
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else default)


@bp.route("/")
@role_required("enterprise", "coordinator", "seeker")
def inbox():
    user = actor()
    status = request.args.get("status") if request.args.get("status") in REFERRAL_STATUSES else None
    return render_template("referrals/inbox.html", rows=referrals.inbox(user, status), status=status,
                           statuses=REFERRAL_STATUSES, transitions=REFERRAL_TRANSITIONS,
                           enterprise_steps=referrals.ENTERPRISE_STEPS, today=date.today())


@bp.route("/<int:referral_id>/move", methods=["POST"])
@role_required("enterprise", "coordinator", "seeker")
def move(referral_id):
    attempt(lambda: referrals.move(actor(), referral_id, request.form.get("to", ""), request.form.get("reason", "")),
            _("已更新。"))
    return _back(url_for("referrals.inbox"))


@bp.route("/<int:referral_id>/hire", methods=["POST"])
@role_required("enterprise")
def hire(referral_id):
    start = request.form.get("start_date", type=date.fromisoformat)
    wage = request.form.get("monthly_wage", type=db_int)
    attempt(lambda: referrals.hire(actor(), referral_id, start, wage), _("已办理入职，并已安排 1、3、6、12 个月回访。"))
    return _back(url_for("referrals.inbox"))


@bp.route("/vacancies")
@role_required("coordinator")
def paired_vacancies():
    return render_template("referrals/paired_vacancies.html", vacancies=referrals.paired_vacancies(actor()))


@bp.route("/nominate/<int:vacancy_id>", methods=["GET", "POST"])
@role_required("coordinator")
def nominate(vacancy_id):
    chosen = [int(i) for i in request.form.getlist("worker_id") if i.isdigit()]
    if request.method == "POST" and attempt(
            lambda: referrals.nominate(actor(), vacancy_id, chosen, request.form.get("note", ""),
                                       request.form.get("consent") == "1"),
            lambda done: _("已推荐 %(n)s 人。", n=len(done))) is not REFUSED:
        return redirect(url_for("referrals.inbox"))
    vacancy, rows = referrals.nominees_for(actor(), vacancy_id)
    return render_template("referrals/nominate.html", vacancy=vacancy, rows=rows, chosen=set(chosen),
                           note=request.form.get("note", ""))


@bp.route("/apply/<int:vacancy_id>", methods=["POST"])
@role_required("seeker")
def apply(vacancy_id):
    attempt(lambda: referrals.apply(actor(), vacancy_id, request.form.get("consent") == "1"),
            _("申请已提交，可在“我的申请”查看进度。"))
    return _back(url_for("seeker.recommended"))
