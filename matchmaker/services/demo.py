"""The demo province in the database: the synthetic population (matchmaker.demo.population) written with bulk
inserts, plus pairings, park–school links, order classes, referrals, placements, follow-ups and one demo
account per role. Reproducible: the same seed gives the same data."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import numpy as np
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import aliased

from matchmaker.demo.population import Population, generate
from matchmaker.extensions import db
from matchmaker.models import (Certificate, Enterprise, FollowUp, OrderClass, OrderClassStudent, Pairing,
                               PairingActivity, Park, ParkSchoolLink, Placement, Referral, ReferralStep, Region,
                               School, Trade, TrainingRecord, User, Vacancy, VacancyTrade, Village, Worker,
                               WorkerSkill)
from matchmaker.models.workers import RADII
from matchmaker.services import matching, pii
from matchmaker.services.accounts import hash_password

DEMO_PASSWORD = "demo-pass-2026"
CHUNK = 10_000


def has_demo() -> bool:
    return db.session.scalar(select(User.id).where(User.login == "bureau")) is not None


def _ids(model, where=None) -> dict[str, int]:
    query = select(model.code, model.id)
    if where is not None:
        query = query.where(where)
    return dict(db.session.execute(query).all())


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _bulk(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])


def _fix_sequences(*models) -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"))


def _write_villages(pop: Population, village_ids: dict[str, int]) -> dict[str, int]:
    """One Village organisation per village that has workers in the ledger."""
    codes = np.unique(pop.workers["village_code"])
    _bulk(Village, [{"region_id": village_ids[c], "verified": True} for c in codes])
    rows = db.session.execute(select(Region.code, Village.id).join(Village, Village.region_id == Region.id))
    return dict(rows.all())


def _write_enterprises(pop: Population, county_ids, park_ids) -> np.ndarray:
    e = pop.enterprises
    first = _next_id(Enterprise)
    ids = np.arange(first, first + len(e["name"]))
    _bulk(Enterprise, [{"id": int(i), "name": str(n), "credit_code": str(c), "industry": str(ind),
                        "county_id": county_ids[str(k)], "park_id": park_ids.get(str(p)), "verified": True}
                       for i, n, c, ind, k, p in zip(ids, e["name"], e["credit_code"], e["industry"],
                                                     e["county_code"], e["park_code"])])
    return ids


def _write_workers(pop: Population, village_ids: dict[str, int], trade_ids: np.ndarray) -> np.ndarray:
    w = pop.workers
    n = pop.n_workers
    first = _next_id(Worker)
    ids = np.arange(first, first + n)
    today = date.today()
    birth = w["birth_date"].astype("datetime64[D]").astype(object)
    rows = []
    for i in range(n):
        number, phone = str(w["id_number"][i]), str(w["phone"][i])
        rows.append({
            "id": int(ids[i]), "name": str(w["name"][i]), **pii.id_number_columns(number),
            "birth_date": birth[i], "sex": str(w["sex"][i]), **pii.phone_columns(phone),
            "home_region_id": village_ids[str(w["village_code"][i])],
            "education": int(w["education"][i]), "poor_household": bool(w["poor_household"][i]),
            "no_employed_member": bool(w["no_employed_member"][i]), "status": str(w["status"][i]),
            "source": "ledger", "radius": RADII[int(w["radius"][i])], "min_wage": int(w["min_wage"][i]),
            "willing_to_train": bool(w["willing_to_train"][i]), "available_from": today, "version": 1})
        if len(rows) == CHUNK:
            _bulk(Worker, rows)
            rows = []
    _bulk(Worker, rows)
    owners = lambda ptr: ids[np.repeat(np.arange(n), np.diff(ptr))]  # noqa: E731
    skill_owner = owners(w["skill_ptr"])
    _bulk(WorkerSkill, [{"worker_id": int(o), "trade_id": int(trade_ids[t]), "level": int(lv), "typed_name": ""}
                        for o, t, lv in zip(skill_owner, w["skill_trade"], w["skill_level"])])
    cert_owner = owners(w["cert_ptr"])
    _bulk(Certificate, [{"worker_id": int(o), "trade_id": int(trade_ids[t]), "level": int(lv),
                         "number": f"S{int(o):08d}{k:02d}", "issuer": "广东省人力资源和社会保障厅"}
                        for k, (o, t, lv) in enumerate(zip(cert_owner, w["cert_trade"], w["cert_level"]))])
    train_owner = owners(w["train_ptr"])
    _bulk(TrainingRecord, [{"worker_id": int(o), "course": "职业技能培训", "provider": "县职业技能培训中心",
                            "trade_id": int(trade_ids[t]), "mode": "train_then_work", "hours": int(h),
                            "attendance_pct": 95 if c else 60, "completed": bool(c), "certified": False}
                           for o, t, c, h in zip(train_owner, w["train_trade"], w["train_completed"],
                                                 w["train_hours"])])
    return ids


def _write_vacancies(pop: Population, enterprise_ids, county_ids, park_ids, trade_ids) -> np.ndarray:
    v = pop.vacancies
    m = pop.n_vacancies
    first = _next_id(Vacancy)
    ids = np.arange(first, first + m)
    now = datetime.now(timezone.utc)
    titles = {code: name for code, name in db.session.execute(select(Trade.code, Trade.name))}
    rows = []
    for j in range(m):
        a, b = v["req_ptr"][j], v["req_ptr"][j + 1]
        title = titles[pop.trade_codes[v["req_trade"][a]]] if b > a else "普工"
        rows.append({
            "id": int(ids[j]), "enterprise_id": int(enterprise_ids[v["enterprise"][j]]), "title": title,
            "site_county_id": county_ids[str(v["county_code"][j])], "site_park_id": park_ids.get(str(v["park_code"][j])),
            "longitude": float(v["lon"][j]), "latitude": float(v["lat"][j]), "headcount": int(v["headcount"][j]),
            "filled": 0, "wage_min": int(v["wage_min"][j]), "wage_max": int(v["wage_max"][j]),
            "age_min": int(v["age_min"][j]), "age_max": int(v["age_max"][j]),
            "min_education": int(v["min_education"][j]), "training_mode": str(v["training_mode"][j]),
            "housing": bool(v["housing"][j]), "description": "", "status": "open",
            "reserved_for_paired": bool(v["reserved_for_paired"][j]),
            "published_at": now - timedelta(minutes=j % 10_000)})
    _bulk(Vacancy, rows)
    owner = ids[np.repeat(np.arange(m), np.diff(v["req_ptr"]))]
    _bulk(VacancyTrade, [{"vacancy_id": int(o), "trade_id": int(trade_ids[t]), "min_level": int(lv)}
                         for o, t, lv in zip(owner, v["req_trade"], v["req_level"])])
    return ids


def _relations(rnd: random.Random, accounts: dict) -> dict[str, int]:
    """Pairings, links, order classes, referrals, placements and follow-ups around the demo accounts, so every
    role's pages have something real to show."""
    counts = {}
    enterprise, village = accounts["enterprise"], accounts["village"]
    villages = list(db.session.scalars(select(Village).order_by(Village.id).limit(12)))
    enterprises = list(db.session.scalars(select(Enterprise).order_by(Enterprise.id).limit(12)))
    pairs = {(enterprise.id, village.id)} | {(e.id, v.id) for e, v in zip(enterprises, villages)}
    today = date.today()
    for k, (e_id, v_id) in enumerate(sorted(pairs)):
        status = "active" if k % 4 else "proposed"
        if (e_id, v_id) == (enterprise.id, village.id):
            status = "active"
        p = Pairing(enterprise_id=e_id, village_id=v_id, status=status, annual_target=rnd.choice([20, 30, 50]),
                    approved_at=datetime.now(timezone.utc) if status == "active" else None)
        db.session.add(p)
        if status == "active":
            for kind in ("publicity", "consultation", "job_fair"):
                p.activities.append(PairingActivity(kind=kind, held_on=today - timedelta(days=rnd.randint(5, 200)),
                                                    people_reached=rnd.randint(20, 300)))
    counts["pairings"] = len(pairs)

    school = accounts["school"]
    parks = list(db.session.scalars(select(Park).order_by(Park.id).limit(5)))
    others = list(db.session.scalars(select(School).where(School.id != school.id).order_by(School.id).limit(5)))
    for k, park in enumerate(parks):
        db.session.add(ParkSchoolLink(school_id=school.id if k < 2 else others[k].id, park_id=park.id,
                                      status="active" if k < 4 else "proposed", branch_campus=k == 0,
                                      year=today.year))
    counts["park_school_links"] = len(parks)

    vacancies = list(db.session.scalars(select(Vacancy).where(Vacancy.enterprise_id == enterprise.id)))
    workers = list(db.session.scalars(select(Worker).where(Worker.home_region_id == village.region_id,
                                                           Worker.status == "available").limit(40)))
    steps = ["submitted", "shortlisted", "interview", "offered", "hired"]
    referrals = placements = 0
    for k, worker in enumerate(workers[:24]):
        vacancy = vacancies[k % len(vacancies)]
        if vacancy.filled >= vacancy.headcount:
            continue
        final = steps[k % len(steps)] if k % 7 else "rejected"
        r = Referral(worker=worker, vacancy=vacancy, channel="nomination" if k % 2 else "application",
                     status=final, consent_version="2026-01", consent_at=datetime.now(timezone.utc),
                     consent_recipient=enterprise.name, consent_purpose="岗位推荐")
        path = steps[: steps.index(final) + 1] if final in steps else ["submitted", "rejected"]
        previous = None
        for s in path:
            r.steps.append(ReferralStep(from_status=previous, to_status=s, reason=""))
            previous = s
        db.session.add(r)
        referrals += 1
        worker.status = "employed" if final == "hired" else ("nominated" if final != "rejected" else "available")
        if final == "hired":
            vacancy.filled += 1
            start = today - timedelta(days=rnd.randint(20, 400))
            pl = Placement(worker=worker, vacancy=vacancy, enterprise_id=enterprise.id, referral=r, start_date=start,
                           channel="pairing", transfer_type="in_province", monthly_wage=vacancy.wage_min)
            for months in (1, 3, 6, 12):
                due = start + timedelta(days=30 * months)
                done = due < today
                pl.follow_ups.append(FollowUp(due_month=months, due_on=due, done_on=due if done else None,
                                              still_employed=(rnd.random() < 0.8) if done else None))
            db.session.add(pl)
            placements += 1
    counts.update(referrals=referrals, placements=placements)

    trade = db.session.scalar(select(Trade).where(Trade.code == "6-25-04-07"))
    oc = OrderClass(school_id=school.id, enterprise_id=enterprise.id, park_id=enterprise.park_id, trade_id=trade.id,
                    vacancy_id=vacancies[0].id, name=f"{enterprise.name[:8]}订单班", intake=30,
                    starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=120), status="running")
    db.session.add(oc)
    for worker in workers[24:34]:
        worker.school_id = school.id
        oc.students.append(OrderClassStudent(worker_id=worker.id, enrolled_on=today - timedelta(days=60)))
    counts["order_classes"] = 1
    return counts


def _history(rnd: random.Random, accounts: dict) -> dict[str, int]:
    """Past placements for the ledger's employed workers, so the bureau's KPI dashboard has months, channels,
    parks, zones and follow-ups to show: starts spread over the last 20 months, 一企一村 pairings behind the
    pairing-channel hires, 1/3/6/12-month follow-ups done when due. The demo coordinator's village and the demo
    enterprise are left out (their pages tell their own story), and every vacancy keeps at least one open place.
    Bulk inserts, so the 100,000-worker demo stays quick."""
    today = date.today()
    home = db.session.execute(
        select(Worker.id, Region.code).join(Region, Worker.home_region_id == Region.id)
        .where(Worker.status == "employed", Worker.home_region_id != accounts["village"].region_id)
        .order_by(Worker.id)).all()
    village_of = dict(db.session.execute(select(Village.region_id, Village.id)).all())
    village_id = {code: village_of[rid] for code, rid in
                  db.session.execute(select(Region.code, Region.id).where(Region.level == "village"
                                                                          ).where(Region.id.in_(village_of)))}
    site = aliased(Region)
    vacancies = [list(v) for v in db.session.execute(
        select(Vacancy.id, Vacancy.enterprise_id, site.code, Vacancy.site_park_id, Vacancy.headcount - 1 - Vacancy.filled,
               Vacancy.wage_min).join(site, Vacancy.site_county_id == site.id)
        .where(Vacancy.enterprise_id != accounts["enterprise"].id).order_by(Vacancy.id))]
    if not home or not vacancies:
        return {"history_placements": 0}
    paired = set(db.session.execute(select(Pairing.enterprise_id, Pairing.village_id)).all())
    partners = {}  # village → enterprises paired with it here
    new_pairs, placements, follow_ups, filled = [], [], [], {}
    placement_id, follow_up_id = _next_id(Placement), _next_id(FollowUp)
    keep = (0.93, 0.86, 0.78, 0.7)  # chance still employed at 1, 3, 6, 12 months
    for worker_id, code in home:
        if rnd.random() > 0.7:
            continue
        v = vacancies[rnd.randrange(len(vacancies))]
        if v[4] <= 0:
            continue
        v[4] -= 1
        filled[v[0]] = filled.get(v[0], 0) + 1
        roll = rnd.random()
        channel = "pairing" if roll < 0.4 else ("school_link" if roll < 0.55 and v[3] else "open_market")
        pair = (v[1], village_id[code])
        if channel == "pairing" and pair not in paired and partners.get(pair[1], 0) >= 3:
            channel = "open_market"  # a village pairs with a few enterprises, as in the plan (1000 × 1000)
        if channel == "pairing" and pair not in paired:
            paired.add(pair)
            partners[pair[1]] = partners.get(pair[1], 0) + 1
            approved = datetime.now(timezone.utc) - timedelta(days=rnd.randint(400, 700))
            new_pairs.append({"enterprise_id": v[1], "village_id": village_id[code], "status": "active",
                              "annual_target": rnd.choice([10, 20, 30]), "approved_at": approved,
                              "proposed_at": approved - timedelta(days=7)})
        start = today - timedelta(days=rnd.randint(5, 600))
        placements.append({"id": placement_id, "worker_id": worker_id, "vacancy_id": v[0], "enterprise_id": v[1],
                           "start_date": start, "channel": channel,
                           "transfer_type": "local" if code[:6] == v[2][:6] else "in_province",
                           "monthly_wage": v[5]})
        employed, before = True, 1.0
        for months, chance in zip((1, 3, 6, 12), keep):
            due = start + timedelta(days=30 * months)
            done = due < today and rnd.random() < 0.9
            # Once gone, gone: each visit keeps the worker with the odds of staying since the last one.
            employed, before = employed and rnd.random() < chance / before, chance
            follow_ups.append({"id": follow_up_id, "placement_id": placement_id, "due_month": months, "due_on": due,
                               "done_on": due if done else None, "still_employed": employed if done else None})
            follow_up_id += 1
        placement_id += 1
    _bulk(Pairing, new_pairs)
    _bulk(Placement, placements)
    _bulk(FollowUp, follow_ups)
    for vacancy_id, n in filled.items():
        db.session.execute(update(Vacancy).where(Vacancy.id == vacancy_id).values(filled=Vacancy.filled + n))
    _fix_sequences(Placement, FollowUp)
    return {"history_placements": len(placements), "history_pairings": len(new_pairs)}


def _accounts(rnd: random.Random, pop: Population, enterprise_ids, worker_ids) -> tuple[list, dict]:
    """One demo account per role, attached to organisations that have data to show."""
    hashed = hash_password(DEMO_PASSWORD)
    # The coordinator's village: the one with the most workers; the enterprise: the one with the most vacancies.
    codes, counts = np.unique(pop.workers["village_code"], return_counts=True)
    village_code = str(codes[np.argmax(counts)])
    village = db.session.scalar(select(Village).join(Region, Village.region_id == Region.id)
                                .where(Region.code == village_code))
    owners, vcounts = np.unique(pop.vacancies["enterprise"], return_counts=True)
    enterprise = db.session.get(Enterprise, int(enterprise_ids[owners[np.argmax(vcounts)]]))
    if enterprise.park_id is None:
        enterprise.park_id = db.session.scalar(select(Park.id).order_by(Park.id).limit(1))
    school = db.session.scalar(select(School).where(School.kind == "技工院校").order_by(School.id).limit(1))
    province = db.session.scalar(select(Region).where(Region.level == "province"))
    county = village.region.parent.parent
    city = county.parent
    seeker_worker = db.session.scalar(select(Worker).where(Worker.home_region_id == village.region_id,
                                                           Worker.status == "available").order_by(Worker.id.desc()))
    specs = [
        ("bureau", "bureau", {"region_id": province.id}, province.name),
        ("bureau", "bureau.city", {"region_id": city.id}, city.name),
        ("bureau", "bureau.county", {"region_id": county.id}, county.name),
        ("enterprise", "enterprise", {"enterprise_id": enterprise.id}, enterprise.name),
        ("coordinator", "coordinator", {"village_id": village.id}, f"{county.name} {village.region.name}"),
        ("school", "school", {"school_id": school.id}, school.name),
        ("seeker", "13800138000", {"worker_id": seeker_worker.id}, f"{seeker_worker.name}（已关联台账）"),
        ("seeker", "13800138001", {}, "（未关联台账）"),
    ]
    listed = []
    for role, login, membership, org in specs:
        db.session.add(User(login=login, display_name=org if role != "seeker" else "演示求职者",
                            password_hash=hashed, role=role, **membership))
        listed.append((role, login, org))
    db.session.flush()
    return listed, {"enterprise": enterprise, "village": village, "school": school}


def build_demo(n_workers: int = 200, n_vacancies: int | None = None, seed: int = 7) -> dict:
    """Write a demo province into a database that already holds the seed. Returns counts and demo accounts."""
    n_vacancies = n_vacancies or max(30, n_workers // 10)
    pop = generate(n_workers, n_vacancies, seed=seed)
    rnd = random.Random(seed)
    region_ids = {level: _ids(Region, Region.level == level) for level in ("county", "village")}
    park_ids = _ids(Park)
    trade_code_ids = _ids(Trade)
    trade_ids = np.array([trade_code_ids[c] for c in pop.trade_codes])
    village_org_ids = _write_villages(pop, region_ids["village"])
    enterprise_ids = _write_enterprises(pop, region_ids["county"], park_ids)
    worker_ids = _write_workers(pop, {c: region_ids["village"][c] for c in village_org_ids}, trade_ids)
    _write_vacancies(pop, enterprise_ids, region_ids["county"], park_ids, trade_ids)
    _fix_sequences(Enterprise, Worker, Vacancy)
    accounts, orgs = _accounts(rnd, pop, enterprise_ids, worker_ids)
    counts = {"workers": n_workers, "vacancies": n_vacancies, "enterprises": len(enterprise_ids),
              "villages": len(village_org_ids), **_relations(rnd, orgs)}
    counts.update(_history(random.Random(seed + 1), orgs))
    matching.note_change("rebuild")
    db.session.commit()
    return {"counts": counts, "accounts": accounts}
