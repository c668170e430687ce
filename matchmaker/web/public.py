"""Public pages: the home page with live counts, and the language switch."""
from flask import Blueprint, current_app, redirect, render_template, request, session

from matchmaker.services import stats
from matchmaker.web.nav import safe_next

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    return render_template("public/home.html", counts=stats.platform_counts(), zones=stats.counties_by_zone())


@bp.route("/locale", methods=["POST"])
def set_locale():
    locale = request.form.get("locale")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
    return redirect(safe_next(request.form.get("next")) or "/")


@bp.route("/healthz")
def healthz():
    return {"ok": True}
