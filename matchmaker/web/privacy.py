"""Personal data pages: revealing a worker's full ID number and phone (audited), and a seeker's list of who
viewed or exported their personal data."""
from flask import Blueprint, make_response, render_template, request, url_for

from matchmaker.services import pii_access
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import db_int

bp = Blueprint("privacy", __name__)

_HOME = {"seeker": "seeker.home", "enterprise": "referrals.inbox", "coordinator": "village.home",
         "school": "school.home", "bureau": "bureau.home"}


def _back(worker_id: int) -> str:
    """Where "hide" goes: the page the button was on when it is one of ours, else the role's home."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    if actor().role == "coordinator":
        return url_for("village.worker", worker_id=worker_id)
    return url_for(_HOME[actor().role])


@bp.route("/workers/<int:worker_id>/reveal", methods=["POST"])
@role_required("seeker", "enterprise", "coordinator", "school", "bureau")
def reveal(worker_id):
    shown = pii_access.reveal(actor(), worker_id, request.form.get("purpose", ""))
    response = make_response(render_template("privacy/reveal.html", shown=shown, back=_back(worker_id)))
    # The full numbers must not outlive this page view in any cache or history snapshot.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.route("/privacy/views")
@role_required("seeker")
def views():
    pagination, rows = pii_access.viewings_page(actor(), request.args.get("page", 1, type=db_int))
    return render_template("privacy/views.html", page=pagination, rows=rows)
