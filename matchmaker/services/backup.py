"""Backup and restore of every table as gzip'd JSON lines: the same file restores into SQLite or PostgreSQL.

The file holds the data exactly as stored (ID numbers and phones stay encrypted: the keys are not in it) and
the Alembic revision it was taken at; a restore goes only into an empty database at that same revision, in one
transaction, parents before children, and moves PostgreSQL's id sequences past the restored rows."""
from __future__ import annotations

import gzip
import json
from datetime import date, datetime
from pathlib import Path

from alembic.migration import MigrationContext
from sqlalchemy import Date, DateTime, func, insert, select, text

from matchmaker.extensions import db

FORMAT = "matchmaker-backup/1"


class BackupError(Exception):
    pass


def _revision() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _tables():
    return [t for t in db.metadata.sorted_tables]


def _encode(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def dump(path: Path) -> dict[str, int]:
    """Write every table to `path`; returns the row count per table."""
    counts = {}
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"format": FORMAT, "revision": _revision()}) + "\n")
        for table in _tables():
            n = 0
            order = [c for c in table.primary_key.columns]
            for row in db.session.execute(select(table).order_by(*order)).mappings():
                f.write(json.dumps({"t": table.name, "r": {k: _encode(v) for k, v in row.items()}},
                                   ensure_ascii=False) + "\n")
                n += 1
            counts[table.name] = n
    return counts


def _decoder(table):
    parse = {}
    for column in table.columns:
        if isinstance(column.type, DateTime):
            parse[column.name] = datetime.fromisoformat
        elif isinstance(column.type, Date):
            parse[column.name] = date.fromisoformat
    return lambda row: {k: (parse[k](v) if v is not None and k in parse else v) for k, v in row.items()}


def restore(path: Path, batch: int = 5000) -> dict[str, int]:
    """Load a backup into this (empty, same-revision) database; all or nothing."""
    tables = {t.name: t for t in _tables()}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        header = json.loads(f.readline())
        if header.get("format") != FORMAT:
            raise BackupError("not a Matchmaker backup")
        if header.get("revision") != _revision():
            raise BackupError(f"backup is at revision {header.get('revision')}, database at {_revision()}: "
                              "migrate the database to the backup's revision first")
        for table in tables.values():
            if db.session.scalar(select(func.count()).select_from(table)):
                raise BackupError(f"table {table.name} is not empty: restore only into an empty database")
        counts: dict[str, int] = {}
        pending: list[dict] = []
        current = None
        decode = None
        try:
            for line in f:
                item = json.loads(line)
                if item["t"] != current:
                    if pending:
                        db.session.execute(insert(tables[current]), pending)
                    current, pending, decode = item["t"], [], _decoder(tables[item["t"]])
                pending.append(decode(item["r"]))
                counts[current] = counts.get(current, 0) + 1
                if len(pending) >= batch:
                    db.session.execute(insert(tables[current]), pending)
                    pending = []
            if pending:
                db.session.execute(insert(tables[current]), pending)
            _move_sequences(tables.values())
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return counts


def _move_sequences(tables) -> None:
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.columns and table.columns["id"].autoincrement:
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
