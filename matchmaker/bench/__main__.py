"""Benchmarks: the matching engine without a database (matching, quality), and the whole app under load (load).

    python -m matchmaker.bench matching --workers 1000000 --vacancies 100000 [--queries 200] [--seed 0]
    python -m matchmaker.bench quality
    python -m matchmaker.bench load [--workers 100000] [--clients 50] [--duration 30]   (gunicorn, PostgreSQL, wrk)

Each prints progress lines and, as its LAST line, one JSON object.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np


def _ms(values) -> tuple[float, float, float]:
    a = np.asarray(values) * 1000.0
    return round(float(np.percentile(a, 50)), 3), round(float(np.percentile(a, 95)), 3), round(float(a.max()), 3)


def _log(*args):
    print(*args, file=sys.stderr, flush=True)


def bench_matching(n_workers: int, n_vacancies: int, queries: int, seed: int, naive_queries: int,
                   naive_sample: int, agree_full: int) -> dict:
    from dataclasses import replace

    from matchmaker.bench.data import load_catalogue, to_engine
    from matchmaker.demo.population import generate
    from matchmaker.matching import MatchIndex
    from matchmaker.matching.naive import naive_rank_vacancies, naive_rank_workers

    rng = np.random.default_rng(seed)
    t = time.perf_counter()
    pop = generate(n_workers, n_vacancies, seed=seed)
    gen_s = time.perf_counter() - t
    cat = load_catalogue()
    workers, vacancies, ctx = to_engine(pop, cat, seed=seed)
    del pop
    _log(f"population generated in {gen_s:.1f}s")

    t = time.perf_counter()
    index = MatchIndex.from_columns(cat, workers, vacancies, context=ctx)
    build_s = time.perf_counter() - t
    mem = index.nbytes()
    _log(f"index built in {build_s:.2f}s, {mem['workers'] / n_workers:.1f} bytes/worker")

    # --- ranking workers for vacancies ---
    open_ids = vacancies.id
    q_vac = rng.choice(open_ids, size=min(queries, len(open_ids)), replace=False)
    general = set(int(i) for i in vacancies.id[np.diff(vacancies.req_ptr) == 0])
    index.rank_workers(int(q_vac[0]))  # warm-up
    t_rw, t_rw_general, results = [], [], {}
    for vid in q_vac:
        t = time.perf_counter()
        r = index.rank_workers(int(vid), k=50)
        dt = time.perf_counter() - t
        t_rw.append(dt)
        if int(vid) in general:
            t_rw_general.append(dt)
        results[int(vid)] = r
    _log("rank_workers p50/p95/max ms", _ms(t_rw))

    # --- ranking vacancies for workers ---
    q_wrk = rng.choice(workers.id[workers.status == 0], size=min(queries, int((workers.status == 0).sum())),
                       replace=False)
    index.rank_vacancies(int(q_wrk[0]))
    t_rv = []
    for wid in q_wrk:
        t = time.perf_counter()
        index.rank_vacancies(int(wid), k=20)
        t_rv.append(time.perf_counter() - t)
    _log("rank_vacancies p50/p95/max ms", _ms(t_rv))

    # --- naive scorer: timed on a sample of workers, extrapolated linearly; agreement on full data ---
    vrec = {int(i): index.vacancy_record(int(i)) for i in q_vac[: max(naive_queries, agree_full)]}
    sample_ids = rng.choice(workers.id, size=min(naive_sample, n_workers), replace=False)
    sample = [index.worker_record(int(i)) for i in sample_ids]
    t_naive = []
    for vid in list(vrec)[:naive_queries]:
        t = time.perf_counter()
        naive_rank_workers(vrec[vid], sample, ctx, index.policy, cat, index.today, k=50)
        t_naive.append((time.perf_counter() - t) * n_workers / len(sample))
    naive_p50 = float(np.median(t_naive)) if t_naive else float("nan")
    _log(f"naive rank_workers ≈ {naive_p50 * 1000:.0f} ms (from {len(sample)} workers)")

    agree = True
    max_diff = 0.0
    checked_w = checked_v = 0
    if agree_full:
        _log(f"materialising {n_workers} worker records for the naive scorer …")
        all_records = [index.worker_record(int(i)) for i in workers.id]
        for vid in list(vrec)[:agree_full]:
            slow = naive_rank_workers(vrec[vid], all_records, ctx, index.policy, cat, index.today, k=50)
            fast = results[vid].pairs()
            same = [i for i, _ in fast] == [i for i, _ in slow]
            agree &= same and set(i for i, _ in fast) == set(i for i, _ in slow)
            if slow:
                max_diff = max(max_diff, max(abs(a[1] - b[1]) for a, b in zip(fast, slow)))
            checked_w += 1
        del all_records
    all_vac = [index.vacancy_record(int(i)) for i in vacancies.id]
    for wid in q_wrk[: max(5, agree_full)]:
        slow = naive_rank_vacancies(index.worker_record(int(wid)), all_vac, ctx, index.policy, cat, index.today,
                                    k=20)
        fast = index.rank_vacancies(int(wid), k=20).pairs()
        agree &= [i for i, _ in fast] == [i for i, _ in slow]
        if slow:
            max_diff = max(max_diff, max(abs(a[1] - b[1]) for a, b in zip(fast, slow)))
        checked_v += 1
    del all_vac
    _log(f"agreement with naive: {agree} ({checked_w} vacancy and {checked_v} worker queries over all records)")

    # --- updates: change one worker, see it in the next ranking ---
    t_up = []
    upd_ids = rng.choice(workers.id, size=200, replace=False)
    for wid in upd_ids:
        rec = index.worker_record(int(wid))
        rec = replace(rec, status="available", skills=list(rec.skills)[:1] + [(cat.codes[int(rng.integers(0, len(cat)))], 2)]
                      if rec.skills else [(cat.codes[int(rng.integers(0, len(cat)))], 3)])
        rec = replace(rec, skills=list(dict(rec.skills).items()))
        t = time.perf_counter()
        index.upsert_worker(rec)
        t_up.append(time.perf_counter() - t)
    t_status = []
    for wid in upd_ids[:100]:
        t = time.perf_counter()
        index.set_worker_status(int(wid), "nominated")
        t_status.append(time.perf_counter() - t)
    _log("update_one p50/p95/max ms", _ms(t_up))

    rw, rv, up = _ms(t_rw), _ms(t_rv), _ms(t_up)
    return {
        "bench": "matching", "workers": n_workers, "vacancies": n_vacancies, "seed": seed, "queries": len(q_vac),
        "generate_s": round(gen_s, 2), "build_s": round(build_s, 3),
        "index_bytes_per_worker": round(mem["workers"] / n_workers, 1),
        "index_bytes_vacancies_total": mem["vacancies"],
        "rank_workers_p50_ms": rw[0], "rank_workers_p95_ms": rw[1], "rank_workers_max_ms": rw[2],
        "rank_workers_general_labour_p95_ms": _ms(t_rw_general)[1] if t_rw_general else None,
        "rank_vacancies_p50_ms": rv[0], "rank_vacancies_p95_ms": rv[1], "rank_vacancies_max_ms": rv[2],
        "update_one_ms": up[1], "update_one_p50_ms": up[0], "update_one_max_ms": up[2],
        "set_status_p95_ms": _ms(t_status)[1],
        "naive_rank_workers_p50_ms": round(naive_p50 * 1000, 1),
        "naive_extrapolated_from": len(sample), "naive_queries_timed": len(t_naive),
        "speedup_vs_naive": round(naive_p50 / (rw[0] / 1000.0), 1),
        "agree_with_naive": bool(agree),
        "agree_compared": {"rank_workers_top50_full_data": checked_w, "rank_vacancies_top20_full_data": checked_v},
        "max_abs_score_diff_vs_naive": max_diff,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matchmaker.bench")
    sub = parser.add_subparsers(dest="what", required=True)
    m = sub.add_parser("matching", help="ranking speed, memory, updates, agreement with the naive scorer")
    m.add_argument("--workers", type=int, default=100_000)
    m.add_argument("--vacancies", type=int, default=10_000)
    m.add_argument("--queries", type=int, default=200)
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--naive-queries", type=int, default=5, help="queries timed with the naive scorer")
    m.add_argument("--naive-sample", type=int, default=20_000, help="workers the naive timing runs over")
    m.add_argument("--agree-full", type=int, default=None,
                   help="vacancy queries compared with the naive scorer over ALL workers (default 3 at 1M, 20 below)")
    q = sub.add_parser("quality", help="NDCG@10 and recall@50 on a labelled set built from the seed data")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--workers", type=int, default=400)
    from matchmaker.bench import load
    load.add_parser(sub)
    args = parser.parse_args(argv)
    if args.what == "load":
        out = load.main(args)
    elif args.what == "matching":
        agree_full = args.agree_full if args.agree_full is not None else (3 if args.workers >= 500_000 else 20)
        out = bench_matching(args.workers, args.vacancies, args.queries, args.seed, args.naive_queries,
                             args.naive_sample, agree_full)
    else:
        from matchmaker.bench.quality import bench_quality
        out = bench_quality(args.seed, args.workers)
    print(json.dumps(out, ensure_ascii=False))
    return 1 if out.get("errors") else 0


if __name__ == "__main__":
    raise SystemExit(main())
