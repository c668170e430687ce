"""JSON look-ups behind the cascading region selector."""
from flask import Blueprint, request

from matchmaker.services import regions
from matchmaker.vocabulary import label

bp = Blueprint("regions", __name__, url_prefix="/regions")


def _row(r):
    return {"code": r.code, "name": r.name, "level": r.level, "level_label": label("region_level", r.level)}


@bp.route("/children")
def children():
    return {"items": [_row(r) for r in regions.children(request.args.get("code"), request.args.get("level"))]}


@bp.route("/search")
def search():
    found = regions.search(request.args.get("q", ""), request.args.get("level"))
    return {"items": [dict(_row(r), path=" / ".join(p.name for p in regions.path(r)[1:])) for r in found]}
