"""The worker's side of an enterprise's invitation to apply: the seeker for themselves, the village coordinator
for the village's workers (with the worker's consent). The enterprise invites from its candidates page."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from matchmaker.services import invitations
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import attempt

bp = Blueprint("invitations", __name__, url_prefix="/invitations")


@bp.route("/")
@role_required("seeker", "coordinator")
def index():
    return render_template("invitations/index.html", rows=invitations.for_worker_side(actor()))


@bp.route("/<int:invitation_id>/accept", methods=["POST"])
@role_required("seeker", "coordinator")
def accept(invitation_id):
    attempt(lambda: invitations.answer(actor(), invitation_id, True, request.form.get("consent") == "1"),
            _("已接受邀请，企业现在可以看到这份应聘并联系。"))
    return redirect(url_for("invitations.index"))


@bp.route("/<int:invitation_id>/decline", methods=["POST"])
@role_required("seeker", "coordinator")
def decline(invitation_id):
    attempt(lambda: invitations.answer(actor(), invitation_id, False), _("已谢绝邀请。"))
    return redirect(url_for("invitations.index"))
