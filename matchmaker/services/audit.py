"""Writing to the audit log. Each entry hashes the previous one, so a removed or edited row breaks the chain."""
from __future__ import annotations

import hashlib
import json

from flask import has_request_context, request
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry
from matchmaker.orm import utcnow


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    payload = json.dumps(
        [prev_hash, entry.at.replace(tzinfo=None).isoformat(), entry.actor_id, entry.action, entry.object_type, entry.object_id,
         entry.detail], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def record(actor, action: str, object_type: str, object_id: int | None, **detail) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits, so state and audit land together)."""
    prev = db.session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or ""
    entry = AuditEntry(
        at=utcnow().replace(microsecond=0),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        ip=(request.remote_addr or "") if has_request_context() else "",
        prev_hash=prev,
    )
    entry.hash = _digest(prev, entry)
    db.session.add(entry)
    return entry


def verify_chain() -> int | None:
    """The id of the first entry whose hash does not follow from its predecessor, or None if the chain holds."""
    prev = ""
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if entry.prev_hash != prev or entry.hash != _digest(prev, entry):
            return entry.id
        prev = entry.hash
    return None
