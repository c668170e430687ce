"""The region names read once per process: county filters and a worker's home place, without queries per page."""
from sqlalchemy import event

from matchmaker.extensions import db
from matchmaker.services import regions
from tests import factories


class _Queries(list):
    """The statements sent while in the with block."""

    def _seen(self, conn, cursor, statement, *args):
        self.append(statement)

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._seen)


def test_home_place_names_the_village_and_its_county(app):
    village = factories.make_tree()
    town = village.parent
    assert regions.home_place(village.id) == regions.HomePlace("441424101201", "五华县大坝村", "五华县")
    # A record registered at town level still names its county, not the city two levels up.
    assert regions.home_place(town.id).county_name == "五华县"
    city = town.parent.parent
    assert regions.home_place(city.id).county_name is None


def test_county_options_label_with_the_city_and_filter_by_code(app):
    factories.make_tree()
    factories.make_tree("441900", "东莞市", "441900", "东莞市")  # a county-level city named like its city
    db.session.commit()
    assert regions.county_options() == [("441424", "梅州市 五华县"), ("441900", "东莞市")]
    assert regions.county_options({"441900"}) == [("441900", "东莞市")]
    assert regions.county_options({"441424", "999999"}) == [("441424", "梅州市 五华县")]
    assert regions.county_options(set()) == []


def test_names_are_read_once_and_a_region_seeded_later_is_found(app):
    first = factories.make_tree().id
    db.session.commit()
    regions.county_options()
    with _Queries() as seen:
        for _ in range(3):
            regions.county_options()
            regions.home_place(first)
    assert seen == []
    later = factories.make_tree("441500", "汕尾市", "441521", "海丰县")  # as if `flask seed` ran meanwhile
    later, town = later.id, later.parent_id
    db.session.commit()
    with _Queries() as seen:
        assert regions.home_place(later).county_name == "海丰县"
        assert regions.home_place(town).county_name == "海丰县"
    assert len(seen) == 1  # one read of the whole table, not one per region


def test_names_read_before_the_seed_are_read_again(app):
    """A worker that started on a migrated but not yet seeded database must not keep an empty county list."""
    assert regions.county_options() == []
    factories.make_tree()
    db.session.commit()
    assert regions.county_options() == [("441424", "梅州市 五华县")]
    regions.forget()
    regions.county_options()
    factories.make_tree("441500", "汕尾市", "441521", "海丰县")
    db.session.commit()
    assert regions.county_options({"441424", "441521"}) == [("441424", "梅州市 五华县"), ("441521", "汕尾市 海丰县")]
