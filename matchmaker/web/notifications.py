"""In-app notifications for every signed-in user: the list, mark read, open (mark read, then go to the link)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.services import notifications
from matchmaker.web.access import actor
from matchmaker.web.forms import db_int
from matchmaker.web.nav import safe_next

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def unread_notifications():
    """The count beside "通知" in the top bar: one indexed count, only for signed-in users, only when asked."""
    def count() -> int:
        return notifications.unread_count(actor()) if current_user.is_authenticated else 0
    return {"unread_notifications": count}


@bp.route("/")
@login_required
def index():
    unread_only = request.args.get("unread") == "1"
    page = notifications.page_of(actor(), request.args.get("page", 1, type=db_int), unread_only=unread_only)
    return render_template("notifications/index.html", page=page, unread_only=unread_only,
                           render=notifications.render)


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id):
    notifications.mark_read(actor(), notification_id)
    return redirect(url_for("notifications.index"))


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_link(notification_id):
    # Only a local path: a stored link is never a way off the site.
    return redirect(safe_next(notifications.open_link(actor(), notification_id)) or url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read():
    n = notifications.mark_all_read(actor())
    flash(_("已将 %(n)s 条通知标为已读。", n=n), "success")
    return redirect(url_for("notifications.index"))
