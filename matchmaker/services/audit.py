"""Writing to the audit log. Each entry hashes the previous one, so a removed or edited row breaks the chain.

Entries are written unsealed (hash NULL) in the writer's own transaction, so state and audit land together and
writers never wait for one another. After the transaction commits, `seal()` chains the entries from the lowest id
that transaction wrote on, in id order, on its own connection, under one lock (a PostgreSQL advisory lock held by
that short transaction and nothing else, so it cannot deadlock with a hire's row locks). Ids come from a sequence
but transactions commit in any order, so an entry may become visible after a higher id was sealed: its own seal
then re-chains from it on, and the chain always runs over the sealed entries in id order. `flask audit seal`
seals what a process that stopped between commit and seal left unsealed (run it at start-up or from cron).
"""
from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timezone

from flask import has_request_context, request
from sqlalchemy import bindparam, event, inspect, select, text, update
from sqlalchemy.orm import Session

from matchmaker.extensions import db
from matchmaker.models import AuditEntry
from matchmaker.orm import utcnow

log = logging.getLogger(__name__)

#: pg_advisory_xact_lock key for sealing ("AUDT")
_SEAL_LOCK = 0x41554454
_PENDING = "audit_unsealed"
_SEAL_FROM = "audit_seal_from"
_SEAL_BATCH = 5_000


def _utc_naive(at: datetime) -> datetime:
    # PostgreSQL returns aware times in the session's time zone, SQLite naive UTC: hash the same instant either way.
    return at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at


def _digest(prev_hash: str, at: datetime, actor_id, action, object_type, object_id, detail) -> str:
    payload = json.dumps([prev_hash, _utc_naive(at).isoformat(), actor_id, action, object_type, object_id, detail],
                         sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _entry_digest(prev_hash: str, e) -> str:
    return _digest(prev_hash, e.at, e.actor_id, e.action, e.object_type, e.object_id, e.detail)


def record(actor, action: str, object_type: str, object_id: int | None, **detail) -> AuditEntry:
    """Add an unsealed audit entry to the current transaction (the caller commits, so state and audit land
    together); it is sealed into the chain once that commit succeeds."""
    entry = AuditEntry(
        at=utcnow().replace(microsecond=0),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        ip=(request.remote_addr or "") if has_request_context() else "",
        prev_hash="",
        hash=None,
    )
    db.session.add(entry)
    db.session.info.setdefault(_PENDING, []).append(entry)
    return entry


_COLUMNS = (AuditEntry.id, AuditEntry.at, AuditEntry.actor_id, AuditEntry.action, AuditEntry.object_type,
            AuditEntry.object_id, AuditEntry.detail, AuditEntry.prev_hash, AuditEntry.hash)


def seal(bind=None, from_id: int | None = None) -> int:
    """Chain committed unsealed entries, in their own transaction; returns how many rows it (re)hashed.

    After a commit, ``from_id`` is the lowest id that commit wrote: seal works from there on, through the primary
    key, without looking for unsealed rows in the whole log (every commit seals its own entries, and a lower entry
    that commits later re-chains from itself). Without it (`flask audit seal`) it finds the lowest unsealed entry."""
    engine = bind or db.engine
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEAL_LOCK})
        # SQLite has one writer at a time; the UPDATEs below run in one transaction.
        first = from_id
        if first is None:
            first = conn.scalar(select(AuditEntry.id).where(AuditEntry.hash.is_(None))
                                .order_by(AuditEntry.id).limit(1))
        if first is None:
            return 0
        prev = conn.scalar(select(AuditEntry.hash).where(AuditEntry.id < first, AuditEntry.hash.is_not(None))
                           .order_by(AuditEntry.id.desc()).limit(1)) or ""
        changed = 0
        table = AuditEntry.__table__
        # Entries from `first` on: the unsealed ones, and any sealed after it that now need re-chaining (rare:
        # only when a transaction committed late). In id order, in batches: the LIMIT also keeps the planner on
        # the primary key however stale its statistics are.
        cursor = first
        while True:
            rows = conn.execute(select(*_COLUMNS).where(AuditEntry.id >= cursor).order_by(AuditEntry.id)
                                .limit(_SEAL_BATCH)).all()
            updates = []
            for row in rows:
                digest = _entry_digest(prev, row)
                if row.prev_hash != prev or row.hash != digest:
                    updates.append({"eid": row.id, "p": prev, "h": digest})
                prev = digest
            if updates:
                conn.execute(update(table).where(table.c.id == bindparam("eid"))
                             .values(prev_hash=bindparam("p"), hash=bindparam("h")), updates)
                changed += len(updates)
            if len(rows) < _SEAL_BATCH:
                break
            cursor = rows[-1].id + 1
        return changed


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    entries = session.info.pop(_PENDING, None)
    if entries:
        # identity, not entry.id: the objects are expired by the commit and must not be reloaded here
        ids = [key[0] for key in (inspect(e).identity for e in entries) if key]
        if ids:
            session.info[_SEAL_FROM] = min(ids + [session.info.get(_SEAL_FROM, ids[0])])


@event.listens_for(Session, "after_transaction_end")
def _seal_after_commit(session: Session, transaction) -> None:
    """Seal what the commit wrote, once the session has handed its connection back to the pool (sealing from
    after_commit would hold two connections per writer and starve the pool under load). The user's action has
    already committed, so a failure here is logged, not raised: the next seal (or `flask audit seal`) picks the
    entries up."""
    if transaction.parent is not None or _SEAL_FROM not in session.info:
        return
    from_id = session.info.pop(_SEAL_FROM)
    try:
        seal(session.get_bind(), from_id)
    except Exception:  # noqa: BLE001 — the action succeeded; sealing is retried later
        log.exception("sealing the audit log failed; entries stay unsealed until the next seal")


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


def unsealed_count() -> int:
    return db.session.query(AuditEntry.id).filter(AuditEntry.hash.is_(None)).count()


def verify_chain() -> int | None:
    """The id of the first sealed entry whose hash does not follow from its sealed predecessor (entries in id
    order), or None if the chain holds. Unsealed entries (not yet committed when last sealed) are skipped."""
    prev = ""
    rows = db.session.execute(select(*_COLUMNS).where(AuditEntry.hash.is_not(None)).order_by(AuditEntry.id))
    for row in rows:
        if row.prev_hash != prev or row.hash != _entry_digest(prev, row):
            return row.id
        prev = row.hash
    return None
