"""The KPI dashboard's tables as a workbook: the KPIs against their targets, the breakdown one level down, the
months and the zone mix, with the same small-count suppression as the page. Audited."""
from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.models.regions import ZONES
from matchmaker.services import audit, kpis
from matchmaker.services.ledger_export import _header, _save, neutralise
from matchmaker.vocabulary import label

# Figures per functional zone of the workers' home counties (placement-based: pairings and links have no zone).
ZONE_COLUMNS = ("placements", "pairing_transfers", "park_placements", "trained_share_pct", "midlevel_share_pct",
                "retention_6m_pct", "poor_employed")
MONTH_COLUMNS = ("placements", "pairing_transfers", "park_placements", "trained_share_pct", "retention_6m_pct",
                 "active_pairings")


def site_labels() -> dict[str, str]:
    return {**{z: label("zone", z) for z in ZONES}, "park": _("省级产业转移工业园")}


def _sheet(wb: Workbook, title: str, headers, rows, widths=()) -> None:
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _header(ws, headers)
    for row in rows:
        ws.append([neutralise(v) for v in row])


def workbook(actor: User, board: kpis.Dashboard) -> tuple[bytes, str]:
    """Returns (file, download name); the export is written to the audit log."""
    region, period = board.region, board.period
    wb = Workbook(write_only=True)
    source = {"plan": _("规划默认"), "set": _("人社部门设定"), None: ""}
    rows = []
    for k in board.kpis:
        value = kpis.shown(k["key"], k["value"], k["den"], board.suppress_totals)
        rows.append([k["label"], value, k["num"] if not board.suppress_totals else None, k["den"],
                     k["target"], source[k["target_source"]],
                     f"{k['progress']:g}%" if k["progress"] is not None else ""])
    _sheet(wb, _("指标"), [_("指标"), _("数值"), _("分子"), _("分母"), _("目标"), _("目标来源"), _("完成进度")],
           rows, (30, 12, 10, 10, 12, 14, 10))
    names = [str(kpis.KPI_BY_KEY[key].label) for key in kpis.BREAKDOWN]
    child_rows = [[c["region"].name, c["region"].code,
                   *[kpis.shown(key, c["values"][key], kpis.denominator(key, c["raw"]), board.suppress_children)
                     for key in kpis.BREAKDOWN]] for c in board.children]
    if board.child_level:
        _sheet(wb, _("下级地区"), [label("region_level", board.child_level), _("区划代码"), *names], child_rows,
               (22, 14) + (12,) * len(names))
    if not board.suppress_totals:
        month_rows = [[m["month"], *[kpis.shown(key, m["values"][key], None, False) for key in MONTH_COLUMNS]]
                      for m in board.months]
        _sheet(wb, _("月度"), [_("月份"), *[str(kpis.KPI_BY_KEY[key].label) for key in MONTH_COLUMNS]], month_rows,
               (8,) + (14,) * len(MONTH_COLUMNS))
        sites = site_labels()
        zone_rows = [[label("zone", z), *[board.zone_flows[z][s] for s in kpis.SITE_KINDS],
                      sum(board.zone_flows[z].values())] for z in ZONES]
        _sheet(wb, _("功能区流向"), [_("来源功能区"), *[sites[s] for s in kpis.SITE_KINDS], _("合计")], zone_rows,
               (20,) + (14,) * (len(kpis.SITE_KINDS) + 1))
        _sheet(wb, _("按功能区"), [_("功能区"), *[str(kpis.KPI_BY_KEY[key].label) for key in ZONE_COLUMNS]],
               [[label("zone", z), *[kpis.shown(key, board.zone_figures[z][key], None, False) for key in ZONE_COLUMNS]]
                for z in ZONES], (20,) + (14,) * len(ZONE_COLUMNS))
    info = wb.create_sheet(_("说明"))
    for line in ([_("地区"), region.name, region.code], [_("期间"), period.label()],
                 [_("导出日期"), date.today().isoformat()],
                 [_("口径"), _("转移就业、受训率、中级工占比、6 个月在岗率、贫困户劳动力按劳动者户籍所在村统计；结对按村统计；"
                              "校园对接与订单班按园区所在县统计。村级数字小于 5 的显示为“<5”，分母小于 5 的比例不显示（*）。")],
                 [_("口径"), _("服务业岗位 = 岗位所需工种属于《职业分类大典》第四大类（社会生产服务和生活服务人员）；粤东西北 = "
                              "岗位所在地为汕头、汕尾、潮州、揭阳、湛江、茂名、阳江、韶关、梅州、河源、清远、云浮。")]):
        info.append([neutralise(v) for v in line])
    audit.record(actor, "kpi.export", "region", region.id, year=period.year, month=period.month,
                 rows=len(child_rows))
    db.session.commit()
    name = _("就业指标-%(region)s-%(period)s.xlsx", region=region.name, period=period.label())
    return _save(wb), name


def csv_table(actor: User, board: kpis.Dashboard) -> tuple[bytes, str]:
    """The region and each region one level down, a row each, every KPI a column: one flat table for
    statistics tools. UTF-8 with a BOM (Excel then reads the Chinese right); cells neutralised; audited."""
    region, period = board.region, board.period
    keys = [k["key"] for k in board.kpis]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("地区"), _("区划代码"), _("期间"), *[k["label"] for k in board.kpis]])
    writer.writerow([neutralise(v) for v in (region.name, region.code, period.label(),
                     *[kpis.shown(k["key"], k["value"], k["den"], board.suppress_totals) for k in board.kpis])])
    for c in board.children:
        values = [kpis.shown(key, c["values"][key], kpis.denominator(key, c["raw"]), board.suppress_children)
                  if key in c["values"] else "" for key in keys]
        writer.writerow([neutralise(v) for v in (c["region"].name, c["region"].code, period.label(), *values)])
    audit.record(actor, "kpi.export_csv", "region", region.id, year=period.year, month=period.month,
                 rows=len(board.children))
    db.session.commit()
    name = _("就业指标-%(region)s-%(period)s.csv", region=region.name, period=period.label())
    return ("\ufeff" + out.getvalue()).encode("utf-8"), name
