"""gunicorn settings read from the working directory (`gunicorn wsgi:app` in the repository root).

Each worker builds its matching index (and reads the region names) before it takes its first request, so no
user waits for the build (about 2 s at 100,000 workers, longer at provincial scale: raise --timeout past it)."""
import gc

# A page allocates tens of thousands of short-lived objects (ORM rows, template output): with the default
# threshold of 700 the youngest generation was collected once or twice per page (1-3% of its time, measured in
# one process); reference counting frees nearly all of them anyway.
GC_THRESHOLD = (20_000, 10, 10)


def post_worker_init(worker):
    app = worker.wsgi
    if not hasattr(app, "app_context"):  # not our Flask app (wrapped by middleware): build on first use instead
        return
    from matchmaker.services import matching, regions
    try:
        with app.app_context():
            matching.current()
            regions.county_options()  # the region names pages read
        # What is loaded now lives as long as the worker: out of the collector's sight, a full collection no
        # longer walks the index and the app (it took 100-250 ms, a pause every request queued behind it felt).
        gc.collect()
        gc.freeze()
    except Exception:  # noqa: BLE001 — a database not ready yet must not stop the worker; the first query retries
        worker.log.exception("matching index not warmed; it is built on first use")
    gc.set_threshold(*GC_THRESHOLD)

