"""Follow-up visits (回访) for village coordinators: what is due, and a short phone-first form per visit."""
from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from matchmaker.services import follow_ups
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import REFUSED, attempt

bp = Blueprint("follow_ups", __name__, url_prefix="/follow-ups")


def _wage(raw: str):
    """An empty wage is "not asked"; anything else must be a whole number of yuan."""
    raw = (raw or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() else -1


def _still_employed(raw: str | None):
    return {"1": True, "0": False}.get(raw or "")


@bp.route("/")
@role_required("coordinator")
def index():
    rows = follow_ups.due_for(actor())
    sections = [(s, [r for r in rows if r.section == s]) for s in follow_ups.SECTIONS]
    return render_template("follow_ups/index.html", sections=sections, today=date.today())


@bp.route("/<int:follow_up_id>", methods=["GET", "POST"])
@role_required("coordinator")
def record(follow_up_id):
    follow_up = follow_ups.load(actor(), follow_up_id)
    if request.method == "POST" and attempt(
            lambda: follow_ups.record(actor(), follow_up_id, _still_employed(request.form.get("still_employed")),
                                      _wage(request.form.get("wage", "")), request.form.get("problems", ""),
                                      request.form.get("next_step", "")),
            _("回访已记录。")) is not REFUSED:
        return redirect(url_for("follow_ups.index"))
    return render_template("follow_ups/record.html", f=follow_up, form=request.form,
                           section=follow_ups.section_of(follow_up.due_on, date.today())), \
        (400 if request.method == "POST" else 200)
