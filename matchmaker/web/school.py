"""School (技工院校 / 职业院校) pages."""
from flask import Blueprint, render_template

from matchmaker.services import dashboards
from matchmaker.web.access import actor, role_required

bp = Blueprint("school", __name__, url_prefix="/school")


@bp.route("/")
@role_required("school")
def home():
    return render_template("school/home.html", **dashboards.school_landing(actor()))
