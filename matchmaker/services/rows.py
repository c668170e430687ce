"""Plain rows: a select() of columns, run on the session's connection instead of through the ORM.

Session.execute hands every statement to the ORM, which sets up the loading of entities even for a statement that
selects only columns; for the statements a page runs to read plain values (its listed vacancies, its candidates,
the change log) that was about a tenth of a search page. The session's transaction, its autoflush and the
read-only ending (matchmaker.read_only) hold as for Session.execute. Not for statements that select ORM entities.
"""
from __future__ import annotations

from sqlalchemy import Row

from matchmaker.extensions import db


def rows(statement, params: dict | None = None) -> list[Row]:
    session = db.session()
    if session.autoflush:
        session.flush()  # as Session.execute does, so that what the caller changed is read back
    return session.connection().execute(statement, params).all()


def value(statement, params: dict | None = None):
    """The first column of the first row, None when there is none (as Session.scalar)."""
    found = rows(statement, params)
    return found[0][0] if found else None
