"""A request's transaction that only read ends with COMMIT, not ROLLBACK.

Flask-SQLAlchemy closes the session after every request, which rolls an open transaction back. On PostgreSQL that
costs more than it looks: psycopg forgets every prepared statement of the connection on a ROLLBACK (the rolled-back
transaction might have changed the tables they were planned for), so no statement stayed prepared and PostgreSQL
planned each query again on every page — for the listings' four-table join, planning took three times as long as
running it. For a transaction that wrote nothing, COMMIT and ROLLBACK are the same, and COMMIT keeps them.

"Wrote nothing" is judged on the connections, not guessed from the code: any statement that was not compiled from
a select() construct to SQL beginning with SELECT (INSERT, UPDATE, DELETE, a SAVEPOINT, a WITH that may write, any
text() or driver SQL) marks the transaction, and so does anything the session still holds unflushed (commit would
flush it). Those transactions, and every request that raised, still roll back.
"""
from __future__ import annotations

import logging

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Select, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_WROTE = "matchmaker_wrote"  # in Connection.info: a statement not known to only read ran in this transaction
_CONNECTIONS = "matchmaker_connections"  # in Session.info: the connections of the session's transaction


@event.listens_for(Engine, "begin")
def _fresh_transaction(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn: Connection, cursor, statement: str, parameters, context, executemany) -> None:
    compiled = getattr(context, "compiled", None)
    if not (isinstance(getattr(compiled, "statement", None), Select) and statement.lstrip()[:6].upper() == "SELECT"):
        conn.info[_WROTE] = True


@event.listens_for(Session, "after_begin")
def _remember_connection(session: Session, transaction, connection: Connection) -> None:
    session.info.setdefault(_CONNECTIONS, []).append(connection)


@event.listens_for(Session, "after_transaction_end")
def _forget_connections(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CONNECTIONS, None)


def only_read(session: Session) -> bool:
    """The session's transaction has run statements, on every connection none but SELECTs, and holds nothing
    unflushed."""
    connections = session.info.get(_CONNECTIONS)
    return (bool(connections) and session.in_transaction()
            and not any(conn.invalidated or conn.info.get(_WROTE) for conn in connections)
            and not (session.new or session.dirty or session.deleted))


def init_app(app: Flask, db: SQLAlchemy) -> None:
    """Registered after db.init_app: Flask runs app-context teardowns last-registered first, so this commits
    before Flask-SQLAlchemy closes (and would roll back) the session."""

    @app.teardown_appcontext
    def _commit_if_only_read(exc: BaseException | None) -> None:
        if exc is not None or not db.session.registry.has():
            return
        session = db.session.registry()
        try:
            if only_read(session):
                # Nothing was written, so nothing needs expiring: objects stay readable after the request, as
                # they did when the session was only closed (and the commit skips a pass over all of them).
                session.expire_on_commit = False
                session.commit()
        except Exception:  # noqa: BLE001 — whatever failed, Flask-SQLAlchemy's close still runs and rolls back
            log.warning("ending a read-only transaction with COMMIT failed; it is rolled back", exc_info=True)
