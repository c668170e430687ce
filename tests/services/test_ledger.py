"""Adding workers to the ledger: every check names what failed, and a refusal writes nothing."""
from datetime import date

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, Worker
from matchmaker.services import pii
from matchmaker.services.audit import verify_chain
from matchmaker.services.errors import DomainError, Forbidden
from matchmaker.services.workers import LedgerEntry, add_to_ledger
from tests.factories import id_number


def _count():
    return db.session.scalar(select(func.count(Worker.id)))


def test_adding_a_worker_derives_birth_and_sex_and_masks_personal_data(world):
    number = id_number(birth=date(1988, 2, 29), sex="F", serial=42)
    w = add_to_ledger(world.a.coordinator, world.a.village, LedgerEntry(name="李四", id_number=number,
                                                                      phone="13812345678"))
    assert (w.birth_date, w.sex) == (date(1988, 2, 29), "F")
    assert w.id_number_masked == number[:4] + "**********" + number[-4:]
    assert w.phone_masked == "138****5678"
    assert number not in w.id_number_enc and pii.decrypt(w.id_number_enc) == number
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "worker.create"
    assert verify_chain() is None


@pytest.mark.parametrize("bad, message", [
    ("44142419900517001", "18 位"),
    ("44142419901317001X", "出生日期"),
    ("4414241990051700AX", "前 17 位"),
])
def test_invalid_id_numbers_say_which_check_failed(world, bad, message):
    before = _count()
    with pytest.raises(DomainError) as e:
        add_to_ledger(world.a.coordinator, world.a.village, LedgerEntry(name="王五", id_number=bad))
    assert message in e.value.message and e.value.field == "id_number"
    assert _count() == before


def test_wrong_check_digit_is_named(world):
    good = id_number(serial=7)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(DomainError, match="校验位"):
        add_to_ledger(world.a.coordinator, world.a.village, LedgerEntry(name="王五", id_number=bad))


def test_duplicate_says_where_when_the_user_may_know(world):
    number = id_number(serial=99)
    add_to_ledger(world.a.coordinator, world.a.village, LedgerEntry(name="赵六", id_number=number))
    with pytest.raises(DomainError) as own:
        add_to_ledger(world.a.coordinator, world.a.village, LedgerEntry(name="赵六", id_number=number.lower()))
    assert "赵六" in own.value.message and world.a.village.region.name in own.value.message
    with pytest.raises(DomainError) as other:
        add_to_ledger(world.b.coordinator, world.b.village, LedgerEntry(name="赵六", id_number=number))
    assert "其他村" in other.value.message and "赵六" not in other.value.message


def test_under_sixteen_is_refused(world):
    child = id_number(birth=date(date.today().year - 12, 1, 1), serial=3)
    with pytest.raises(DomainError, match="16"):
        add_to_ledger(world.a.coordinator, world.a.village, LedgerEntry(name="小明", id_number=child))


def test_coordinator_cannot_add_to_another_village(world):
    with pytest.raises(Forbidden):
        add_to_ledger(world.a.coordinator, world.b.village, LedgerEntry(name="钱七", id_number=id_number()))
