"""Job seeker (求职者) pages: vacancies by date (the plain order) or ranked for them, with reasons."""
from flask import Blueprint, render_template, request

from matchmaker.services import rankings, vacancies
from matchmaker.web.access import actor, role_required

bp = Blueprint("seeker", __name__, url_prefix="/seeker")


@bp.route("/")
@role_required("seeker")
def home():
    page = vacancies.open_vacancies_page(request.args.get("page", 1, type=int))
    return render_template("seeker/home.html", user=actor(), page=page)


@bp.route("/recommended")
@role_required("seeker")
def recommended():
    return render_template("seeker/recommended.html", user=actor(), rows=rankings.vacancies_for(actor()))
