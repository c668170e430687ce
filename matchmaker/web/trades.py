"""JSON look-up behind the trade picker: typing 电焊 suggests 焊工 (names and aliases of the trade list)."""
from flask import Blueprint, request
from flask_login import login_required

from matchmaker.services import matching
from matchmaker.web.forms import db_int

bp = Blueprint("trades", __name__, url_prefix="/trades")

MAX_QUERY = 40
MAX_LIMIT = 20


@bp.route("/search")
@login_required
def search():
    text = request.args.get("q", "").strip()[:MAX_QUERY]
    limit = max(1, min(request.args.get("limit", 10, type=db_int), MAX_LIMIT))
    found = matching.current().catalogue.search(text, limit) if text else []
    return {"items": [{"code": code, "name": name, "score": score} for code, name, score in found]}
