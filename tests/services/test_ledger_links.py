"""Linking a seeker's account to a ledger record: only the village's coordinator links, by choosing the record;
typing a name or an ID number claims nothing."""
import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, LedgerLinkRequest, User
from matchmaker.services import ledger_links
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from tests.factories import make_user, make_worker


@pytest.fixture
def newcomer(world):
    """A seeker who signed up and is linked to nothing yet."""
    user = make_user("seeker", login="13900001111")
    db.session.commit()
    return user


def _ask(world, user, name="工人甲", message="我是三组的"):
    return ledger_links.request_link(user, world.a.village.region.code, name, message)


def test_a_request_waits_for_the_village_and_links_nothing_by_itself(world, newcomer):
    link = _ask(world, newcomer)
    assert (link.status, link.village_id, link.name_given, link.message) == ("pending", world.a.village.id, "工人甲",
                                                                              "我是三组的")
    assert db.session.get(User, newcomer.id).worker_id is None  # the name matches a record, but nothing links
    assert [r.id for r in ledger_links.pending_for(world.a.coordinator)] == [link.id]
    assert ledger_links.pending_for(world.b.coordinator) == []
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "ledger_link.request"


def test_the_coordinator_confirms_by_choosing_the_record(world, newcomer):
    link = _ask(world, newcomer)
    found = ledger_links.candidates(world.a.coordinator, link.id)
    worker = world.a.worker
    # The world's seeker already holds worker A: it is listed but marked, so it cannot be chosen by mistake.
    assert [(c.worker.id, c.linked) for c in found] == [(worker.id, True)]
    fresh = make_worker(world.a.village, name="工人甲二")
    db.session.commit()
    assert [(c.worker.id, c.linked) for c in ledger_links.candidates(world.a.coordinator, link.id, "甲二")] == [
        (fresh.id, False)]
    done = ledger_links.confirm(world.a.coordinator, link.id, fresh.id)
    assert (done.status, done.worker_id, done.decided_by_id) == ("confirmed", fresh.id, world.a.coordinator.id)
    assert db.session.get(User, newcomer.id).worker_id == fresh.id
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.object_id, entry.detail["worker_id"]) == ("ledger_link.confirm", link.id, fresh.id)


def test_a_record_already_linked_to_another_account_is_refused(world, newcomer):
    link = _ask(world, newcomer)
    with pytest.raises(DomainError) as e:
        ledger_links.confirm(world.a.coordinator, link.id, world.a.worker.id)  # worker A is the world seeker's
    assert "另一个账号" in e.value.message
    assert db.session.get(User, newcomer.id).worker_id is None
    assert db.session.get(LedgerLinkRequest, link.id).status == "pending"


def test_an_account_already_linked_is_not_linked_twice(world, newcomer):
    link = _ask(world, newcomer)
    first = make_worker(world.a.village, name="甲一")
    second = make_worker(world.a.village, name="甲二")
    db.session.commit()
    newcomer.worker_id = first.id  # linked meanwhile (e.g. created their own record)
    db.session.commit()
    with pytest.raises(DomainError):
        ledger_links.confirm(world.a.coordinator, link.id, second.id)
    assert db.session.get(User, newcomer.id).worker_id == first.id


def test_another_villages_coordinator_can_neither_see_nor_confirm(world, newcomer):
    link = _ask(world, newcomer)
    other = world.b.coordinator
    with pytest.raises(NotFound):
        ledger_links.request_for(other, link.id)
    with pytest.raises(NotFound):
        ledger_links.confirm(other, link.id, world.b.worker.id)
    with pytest.raises(NotFound):
        ledger_links.decline(other, link.id, "不认识")
    with pytest.raises(NotFound):
        ledger_links.candidates(other, link.id)
    assert db.session.get(LedgerLinkRequest, link.id).status == "pending"


def test_the_coordinator_cannot_link_a_record_of_another_village(world, newcomer):
    link = _ask(world, newcomer)
    with pytest.raises(NotFound):
        ledger_links.confirm(world.a.coordinator, link.id, world.b.worker.id)
    assert db.session.get(User, newcomer.id).worker_id is None


def test_decline_needs_a_reason_which_the_seeker_sees(world, newcomer):
    link = _ask(world, newcomer)
    with pytest.raises(DomainError) as e:
        ledger_links.decline(world.a.coordinator, link.id, "  ")
    assert e.value.field == "reason"
    ledger_links.decline(world.a.coordinator, link.id, "本村台账无此人")
    latest = ledger_links.latest_of(newcomer)
    assert (latest.status, latest.decline_reason) == ("declined", "本村台账无此人")
    with pytest.raises(DomainError):  # decided once
        ledger_links.confirm(world.a.coordinator, link.id, world.a.worker.id)


def test_the_seeker_sees_and_cancels_only_their_own_request(world, newcomer):
    link = _ask(world, newcomer)
    other = make_user("seeker", login="13900002222")
    db.session.commit()
    with pytest.raises(NotFound):
        ledger_links.cancel(other, link.id)
    with pytest.raises(Forbidden):  # the seeker may see it, but not decide it
        ledger_links.confirm(newcomer, link.id, world.a.worker.id)
    ledger_links.cancel(newcomer, link.id)
    assert db.session.get(LedgerLinkRequest, link.id).status == "cancelled"
    assert ledger_links.pending_for(world.a.coordinator) == []
    with pytest.raises(DomainError):
        ledger_links.cancel(newcomer, link.id)


def test_one_pending_request_at_a_time_and_bad_input_writes_nothing(world, newcomer):
    with pytest.raises(DomainError) as e:
        ledger_links.request_link(newcomer, "999999999999", "工人甲")
    assert e.value.field == "village_code"
    with pytest.raises(DomainError) as e:
        ledger_links.request_link(newcomer, world.a.village.region.code, "")
    assert e.value.field == "name"
    with pytest.raises(DomainError) as e:
        ledger_links.request_link(newcomer, world.a.village.region.code, "甲", "x" * 201)
    assert e.value.field == "message"
    assert db.session.scalar(select(func.count(LedgerLinkRequest.id))) == 0
    _ask(world, newcomer)
    with pytest.raises(DomainError):
        _ask(world, newcomer)
    assert db.session.scalar(select(func.count(LedgerLinkRequest.id))) == 1


def test_a_linked_seeker_or_staff_cannot_ask(world):
    with pytest.raises(DomainError):
        _ask(world, world.a.seeker)  # already linked
    with pytest.raises(Forbidden):
        _ask(world, world.a.coordinator)


def test_the_village_hears_of_a_request_and_the_seeker_of_the_answer(world, newcomer):
    from matchmaker.models import Notification
    from matchmaker.services import notifications

    def kinds(user):
        return [(n.kind, notifications.render(n)) for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]

    link = _ask(world, newcomer)
    assert [k for k, _text in kinds(world.a.coordinator)] == ["ledger_link_requested"]
    assert "工人甲" in kinds(world.a.coordinator)[0][1] and kinds(world.b.coordinator) == []
    ledger_links.decline(world.a.coordinator, link.id, "请带身份证来村委")
    assert kinds(newcomer)[-1][0] == "ledger_link_declined" and "请带身份证来村委" in kinds(newcomer)[-1][1]
    second = _ask(world, newcomer)
    fresh = make_worker(world.a.village, name="工人甲三")
    db.session.commit()
    ledger_links.confirm(world.a.coordinator, second.id, fresh.id)
    assert kinds(newcomer)[-1][0] == "ledger_link_confirmed"
