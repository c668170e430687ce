"""Job seeker (求职者) pages."""
from flask import Blueprint, render_template, request

from matchmaker.services import vacancies
from matchmaker.web.access import actor, role_required

bp = Blueprint("seeker", __name__, url_prefix="/seeker")


@bp.route("/")
@role_required("seeker")
def home():
    page = vacancies.open_vacancies_page(request.args.get("page", 1, type=int))
    return render_template("seeker/home.html", user=actor(), page=page)
