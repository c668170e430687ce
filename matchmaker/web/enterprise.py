"""Enterprise (企业) pages."""
from flask import Blueprint, render_template, request

from matchmaker.services import dashboards, rankings
from matchmaker.services.errors import DomainError
from matchmaker.web.access import actor, role_required
from matchmaker.web.labels import ZONE

bp = Blueprint("enterprise", __name__, url_prefix="/enterprise")


@bp.route("/")
@role_required("enterprise")
def home():
    return render_template("enterprise/home.html", **dashboards.enterprise_landing(actor()))


@bp.route("/vacancies/<int:vacancy_id>/candidates")
@role_required("enterprise")
def candidates(vacancy_id):
    args = request.args
    filters = rankings.CandidateFilters(county=args.get("county", ""), zone=args.get("zone", "") if args.get("zone") in ZONE else "",
                                        max_km=args.get("max_km", type=float), paired_only=args.get("paired") == "1")
    error = None
    try:
        result = rankings.candidates_for(actor(), vacancy_id, filters)
    except DomainError as e:
        if e.field is None:
            raise
        error, filters.max_km = e.message, None
        result = rankings.candidates_for(actor(), vacancy_id, filters)
    return render_template("enterprise/candidates.html", result=result, filters=filters, error=error, zones=ZONE)
