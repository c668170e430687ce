"""Policy settings: versions (never edited), who changed what, rankings follow at once; annual KPI targets."""
import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, Certificate, KpiTarget, PolicySetting, Vacancy, VacancyTrade, WorkerSkill
from matchmaker.models.policy import KPI_DEFAULTS
from matchmaker.services import policy, rankings
from matchmaker.services.errors import DomainError, Forbidden
from tests.factories import make_trade


def _form(**changes):
    values = {k: f"{v:g}" for k, v in policy.current_values().items()}
    values.update({k: str(v) for k, v in changes.items()})
    return values


def _versions():
    return db.session.scalar(select(func.count(PolicySetting.id)))


def test_defaults_are_what_the_engine_uses_until_a_version_is_saved(world):
    values = policy.current_values()
    assert (values["w_skills"], values["w_location"], values["w_training"]) == (0.5, 0.3, 0.2)
    assert values["shortage_open_days"] == 30 and policy.history() == []


def test_a_change_is_a_new_version_with_its_author_note_and_diff(world):
    first = policy.change_policy(world.province_bureau, _form(w_location="0.5"), "重视就近转移")
    second = policy.change_policy(world.province_bureau, _form(bonus_pairing="8", shortage_open_days="45"), "加大结对")
    assert (first.version, second.version) == (1, 2) and _versions() == 2
    assert db.session.get(PolicySetting, first.id).w_location == 0.5  # the old row is untouched
    assert second.w_location == 0.5 and second.bonus_pairing == 8 and second.shortage_open_days == 45
    assert policy.shortage_open_days() == 45
    newest, oldest = policy.history()
    assert newest.by == world.province_bureau.display_name and newest.note == "加大结对"
    assert [(str(label), old, new) for label, old, new in newest.changes] == [
        ("一企一村对口村加分", "5", "8"), ("岗位空缺预警天数", "30", "45")]
    assert [(str(label), old, new) for label, old, new in oldest.changes] == [("距离权重", "0.3", "0.5")]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "policy.change")
                              .order_by(AuditEntry.id.desc()).limit(1))
    assert entry.actor_id == world.province_bureau.id
    assert entry.detail["changes"] == {"bonus_pairing": [5.0, 8.0], "shortage_open_days": [30, 45]}


@pytest.mark.parametrize("field,value,message", [
    ("w_skills", "abc", "请填写数字"), ("w_location", "-1", "之间"), ("bonus_cap", "101", "之间"),
    ("shortage_open_days", "2.5", "整数"), ("w_training", "nan", "之间")])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(world, field, value, message):
    with pytest.raises(DomainError, match=message) as e:
        policy.change_policy(world.province_bureau, _form(**{field: value}), "试试")
    assert e.value.field == field and _versions() == 0


def test_weights_must_not_all_be_zero_a_note_is_needed_and_no_change_is_no_version(world):
    with pytest.raises(DomainError, match="大于 0"):
        policy.change_policy(world.province_bureau, _form(w_skills=0, w_location=0, w_training=0), "全零")
    with pytest.raises(DomainError) as e:
        policy.change_policy(world.province_bureau, _form(w_skills="0.6"), "")
    assert e.value.field == "note"
    with pytest.raises(DomainError, match="没有变化"):
        policy.change_policy(world.province_bureau, _form(), "无变化")
    assert _versions() == 0


def test_only_the_provincial_bureau_changes_the_policy(world):
    for user in (world.a.county_bureau, world.a.employer):
        with pytest.raises(Forbidden):
            policy.change_policy(user, _form(w_skills="0.9"), "县里想改")
    assert _versions() == 0


@pytest.fixture
def two_candidates(world):
    """A welding vacancy in county A; worker B is a certified welder ~150 km away, worker A is untrained but
    lives next door. Skills win by default; a heavy location weight turns the order round."""
    trade = make_trade("6-18-02-04", "焊工")
    a, b = world.a, world.b
    vacancy = Vacancy(enterprise=a.enterprise, title="焊工", site_county=a.county, longitude=115.0, latitude=24.0,
                      headcount=2, wage_min=5000, wage_max=7000, status="open", age_max=55)
    vacancy.trades.append(VacancyTrade(trade=trade, min_level=2))
    db.session.add(vacancy)
    b.village.region.longitude, b.village.region.latitude = 116.5, 24.0
    b.worker.radius = a.worker.radius = "county"
    db.session.add_all([WorkerSkill(worker=b.worker, trade=trade, level=3),
                        Certificate(worker=b.worker, trade=trade, level=3)])
    db.session.commit()
    return vacancy


def _order(world, vacancy):
    rows = rankings.candidates_for(world.a.employer, vacancy.id, rankings.CandidateFilters()).rows
    return [r.worker.id for r in rows], {r.worker.id: r.explanation.total for r in rows}


def test_raising_the_location_weight_reorders_the_candidates_at_once(world, two_candidates):
    order, before = _order(world, two_candidates)
    assert order == [world.b.worker.id, world.a.worker.id]
    policy.change_policy(world.province_bureau, _form(w_location="5"), "就近优先")
    order, after = _order(world, two_candidates)
    assert order == [world.a.worker.id, world.b.worker.id]
    assert after[world.a.worker.id] > before[world.a.worker.id]
    assert after[world.b.worker.id] < before[world.b.worker.id]


# --- annual targets ---------------------------------------------------------------------------------------------

def test_province_targets_default_to_the_plan_and_can_be_set_and_reset(world):
    rows = {r.kpi: r for r in policy.targets(world.province_bureau, 2026)}
    assert {k: r.target for k, r in rows.items()} == KPI_DEFAULTS and not any(r.is_set for r in rows.values())
    form = {k: f"{v:g}" for k, v in KPI_DEFAULTS.items()} | {"active_pairings": "1200", "trained_share_pct": "90"}
    changes = policy.set_targets(world.province_bureau, 2026, form)
    assert changes == {"active_pairings": [None, 1200.0], "trained_share_pct": [None, 90.0]}
    rows = {r.kpi: r for r in policy.targets(world.province_bureau, 2026)}
    assert rows["active_pairings"].target == 1200 and rows["active_pairings"].is_set
    assert policy.targets(world.province_bureau, 2027)[0].target == KPI_DEFAULTS["active_pairings"]  # per year
    policy.set_targets(world.province_bureau, 2026, form | {"active_pairings": ""})  # blank: back to default
    rows = {r.kpi: r for r in policy.targets(world.province_bureau, 2026)}
    assert rows["active_pairings"].target == 1000 and not rows["active_pairings"].is_set
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "kpi_target.set")).all()
    assert len(actions) == 2


def test_a_county_sets_its_own_counts_and_bad_targets_change_nothing(world):
    rows = {r.kpi: r for r in policy.targets(world.a.county_bureau, 2026)}
    assert rows["active_pairings"].target is None and rows["trained_share_pct"].target == 85
    policy.set_targets(world.a.county_bureau, 2026, {"active_pairings": "12"})
    [saved] = db.session.scalars(select(KpiTarget)).all()
    assert (saved.region_id, saved.kpi, saved.target, saved.set_by_id) == (
        world.a.county.id, "active_pairings", 12, world.a.county_bureau.id)
    for bad in ({"active_pairings": "12", "trained_share_pct": "120"}, {"active_pairings": "-3"},
                {"active_pairings": "1.5"}, {"active_pairings": "许多"}):
        with pytest.raises(DomainError) as e:
            policy.set_targets(world.a.county_bureau, 2026, bad)
        assert e.value.field in bad
    assert [t.target for t in db.session.scalars(select(KpiTarget))] == [12]
    with pytest.raises(DomainError):
        policy.targets(world.a.county_bureau, 1900)
    with pytest.raises(Forbidden):
        policy.targets(world.a.employer, 2026)
