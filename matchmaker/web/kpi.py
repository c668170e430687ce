"""The bureau's KPI dashboard (issue #5): its region by year and month, drillable province → city → county →
village inside its own region, with charts, a map-like view of counties and an Excel export."""
from __future__ import annotations

import math
from datetime import date

from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _

from matchmaker.models.regions import ZONES
from matchmaker.services import kpi_export, kpis, regions
from matchmaker.services.errors import DomainError
from matchmaker.vocabulary import label
from matchmaker.web.access import actor, role_required
from matchmaker.web.downloads import CSV, attachment

bp = Blueprint("kpi", __name__, url_prefix="/bureau/kpi")

MAP_WIDTH, MAP_PAD, MIN_SPAN = 600, 18, 0.4
CLASSES = 5  # colour classes when the map is coloured by a KPI


def _period() -> kpis.Period:
    try:
        return kpis.parse_period(request.args.get("year"), request.args.get("month"))
    except DomainError as e:
        flash(e.message, "error")
        return kpis.Period(date.today().year)


def _board(region_id: int | None):
    user = actor()
    region = kpis.load_region(user, region_id)
    return user, kpis.dashboard(user, region, _period())


@bp.route("/")
@role_required("bureau")
def dashboard():
    return _page(None)


@bp.route("/r/<int:region_id>")
@role_required("bureau")
def region(region_id):
    return _page(region_id)


@bp.route("/r/<int:region_id>/export.xlsx")
@role_required("bureau")
def export(region_id):
    user, board = _board(region_id)
    data, name = kpi_export.workbook(user, board)
    return attachment(data, name, _ascii_name(board, "xlsx"))


@bp.route("/r/<int:region_id>/export.csv")
@role_required("bureau")
def export_csv(region_id):
    user, board = _board(region_id)
    data, name = kpi_export.csv_table(user, board)
    return attachment(data, name, _ascii_name(board, "csv"), CSV)


def _ascii_name(board: kpis.Dashboard, extension: str) -> str:
    """The download's plain-ASCII fallback name (the real one is Chinese)."""
    period = board.period
    return f"kpi-{board.region.code}-{period.year}{f'-{period.month:02d}' if period.month else ''}.{extension}"


def _page(region_id):
    user, board = _board(region_id)
    colour = request.args.get("colour", "zone")
    if colour != "zone" and colour not in kpis.BREAKDOWN:
        colour = "zone"
    period = board.period
    args = {"year": period.year, **({"month": period.month} if period.month else {})}
    trail = [r for r in regions.path(board.region)
             if r.level != "town" and r.code.startswith(kpis.region_prefix(user.region))]
    return render_template("kpi/dashboard.html", board=board, trail=trail, args=args, colour=colour,
                           years=list(range(date.today().year, kpis.FIRST_YEAR - 1, -1)),
                           chart_data=_chart_data(board), map=_map(board, colour, args),
                           breakdown=kpis.BREAKDOWN, kpi_label=lambda key: str(kpis.KPI_BY_KEY[key].label),
                           shown=kpis.shown, denominator=kpis.denominator, zones=ZONES, site_kinds=kpis.SITE_KINDS,
                           site_labels=kpi_export.site_labels(), month_columns=kpi_export.MONTH_COLUMNS,
                           zone_columns=kpi_export.ZONE_COLUMNS)


def _chart_data(board: kpis.Dashboard) -> dict:
    """What static/js/kpi.js draws; every label already in the user's language."""
    name = lambda key: str(kpis.KPI_BY_KEY[key].label)  # noqa: E731
    month = [m["values"] for m in board.months]
    sites = kpi_export.site_labels()
    return {
        "months": [_("%(m)s月", m=m["month"]) for m in board.months],
        "counts": [{"label": name(k), "data": [v[k] for v in month]}
                   for k in ("placements", "pairing_transfers", "park_placements")],
        "shares": [{"label": name(k), "data": [v[k] for v in month]} for k in ("trained_share_pct",
                                                                             "retention_6m_pct")],
        "countAxis": _("人次"), "shareAxis": "%",
        "zones": [label("zone", z) for z in ZONES],
        "flows": [{"label": sites[s], "data": [board.zone_flows[z][s] for z in ZONES]} for s in kpis.SITE_KINDS],
    }


def _classes(points: list[dict], colour: str) -> tuple[list, list]:
    """Each point's colour class and the legend. By KPI: five classes over the distinct values (quantiles)."""
    if colour == "zone":
        return ([f"zone-{p['zone'] or 'none'}" for p in points],
                [(f"zone-{z}", label("zone", z)) for z in ZONES])
    vals = sorted({p["values"][colour] for p in points if p["values"][colour] not in (None, 0)})
    if not vals:
        return ["q-none"] * len(points), [("q-none", _("无数据"))]
    cuts = [vals[min(len(vals) - 1, math.ceil(len(vals) * (i + 1) / CLASSES) - 1)] for i in range(CLASSES)]
    cuts = sorted(set(cuts))
    out = []
    for p in points:
        v = p["values"][colour]
        out.append("q-none" if v in (None, 0) else f"q{next(i for i, c in enumerate(cuts) if v <= c)}")
    suffix = "%" if kpis.KPI_BY_KEY[colour].kind == "pct" else ""
    legend, low = [("q-none", _("无 / 0"))], None
    for i, c in enumerate(cuts):
        legend.append((f"q{i}", f"{low:g}{suffix} – {c:g}{suffix}" if low is not None else f"≤ {c:g}{suffix}"))
        low = c
    return out, legend


def _map(board: kpis.Dashboard, colour: str, args: dict) -> dict | None:
    """Counties (or a county's villages) as circles at their coordinates: a plain equirectangular projection,
    shrunk east–west by cos(latitude), fitted to the SVG's width."""
    points = [p for p in board.points if p["region"].longitude is not None and p["region"].latitude is not None]
    if not points:
        return None
    lons = [p["region"].longitude for p in points]
    lats = [p["region"].latitude for p in points]
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    # At least a county's breadth (~0.4°), so a few villages do not blow up to fill the frame; centred.
    span_x = max((max(lons) - min(lons)) * squeeze, MIN_SPAN)
    span_y = max(max(lats) - min(lats), MIN_SPAN / 2)
    scale = (MAP_WIDTH - 2 * MAP_PAD) / max(span_x, span_y * 1.4)
    height = span_y * scale + 2 * MAP_PAD
    west = (min(lons) + max(lons)) / 2 - span_x / squeeze / 2
    north = (min(lats) + max(lats)) / 2 + span_y / 2
    classes, legend = _classes(points, colour)
    drill = board.region.level in ("province", "city", "county")
    circles = []
    for p, cls in zip(points, classes):
        r = p["region"]
        value = "" if colour == "zone" else kpis.shown(colour, p["values"][colour], kpis.denominator(colour, p["raw"]),
                                                     board.suppress_children)
        circles.append({
            "x": round(MAP_PAD + (r.longitude - west) * squeeze * scale, 1),
            "y": round(MAP_PAD + (north - r.latitude) * scale, 1),
            "cls": cls, "title": f"{r.name} · {label('zone', p['zone']) if p['zone'] else ''} {value}".strip(),
            "name": r.name, "zone_label": label("zone", p["zone"]) if p["zone"] else "", "value": value,
            "href": url_for("kpi.region", region_id=r.id, **args) if drill else None})
    return {"width": MAP_WIDTH, "height": round(height, 1), "circles": circles, "legend": legend}
