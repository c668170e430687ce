"""Enterprise (企业) pages."""
from flask import Blueprint, render_template

from matchmaker.services import dashboards
from matchmaker.web.access import actor, role_required

bp = Blueprint("enterprise", __name__, url_prefix="/enterprise")


@bp.route("/")
@role_required("enterprise")
def home():
    return render_template("enterprise/home.html", **dashboards.enterprise_landing(actor()))
