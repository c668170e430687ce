"""A village's coordinators answer job seekers who ask to be linked to their ledger record: confirm by choosing the
record after checking who the person is, or decline with a reason. (The seeker's side is in web/seeker.py.)"""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from matchmaker.services import ledger_links
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import REFUSED, attempt, db_int

bp = Blueprint("ledger_links", __name__, url_prefix="/ledger-links")


@bp.route("/")
@role_required("coordinator")
def index():
    user = actor()
    return render_template("ledger_links/index.html", pending=ledger_links.pending_for(user),
                           decided=ledger_links.recent_decided(user))


@bp.route("/<int:request_id>")
@role_required("coordinator")
def review(request_id):
    user = actor()
    link = ledger_links.request_for(user, request_id)
    q = request.args.get("q")
    rows = ledger_links.candidates(user, request_id, q) if link.status == "pending" else []
    return render_template("ledger_links/review.html", link=link, rows=rows,
                           q=link.name_given if q is None else q)


@bp.route("/<int:request_id>/confirm", methods=["POST"])
@role_required("coordinator")
def confirm(request_id):
    worker_id = request.form.get("worker_id", type=db_int) or 0
    done = attempt(lambda: ledger_links.confirm(actor(), request_id, worker_id),
                   lambda link: _("已将该账号与 %(name)s 的台账记录关联。", name=link.worker.name))
    if done is REFUSED:
        return redirect(url_for("ledger_links.review", request_id=request_id))
    return redirect(url_for("ledger_links.index"))


@bp.route("/<int:request_id>/decline", methods=["POST"])
@role_required("coordinator")
def decline(request_id):
    done = attempt(lambda: ledger_links.decline(actor(), request_id, request.form.get("reason", "")),
                   _("已告知申请人不予关联。"))
    if done is REFUSED:
        # The reason typed so far goes back into the form.
        return redirect(url_for("ledger_links.review", request_id=request_id, reason=request.form.get("reason", "")))
    return redirect(url_for("ledger_links.index"))
