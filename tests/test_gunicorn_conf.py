"""gunicorn.conf.py: each worker warms what every page needs, then freezes it out of the garbage collector's walk."""
import gc
import runpy
from types import SimpleNamespace

from matchmaker import ROOT
from matchmaker.extensions import db
from matchmaker.services import matching, regions


def test_a_worker_is_warm_and_its_long_lived_objects_frozen_before_its_first_request(app, world):
    db.session.commit()
    matching.reset()
    regions.forget()
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    logged = []
    worker = SimpleNamespace(wsgi=app, log=SimpleNamespace(exception=logged.append))
    gc.unfreeze()
    threshold = gc.get_threshold()
    try:
        conf["post_worker_init"](worker)
        assert logged == []
        assert matching._state is not None and regions._cache is not None  # built before any request
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == conf["GC_THRESHOLD"]
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
