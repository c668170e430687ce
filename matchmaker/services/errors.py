"""Domain errors carry a message already translated into the user's language."""
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError


class DomainError(Exception):
    """Bad input or a refused action: shown to the user, nothing was changed."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    pass


@contextmanager
def refused_on_conflict(message: str, field: str | None = None, conflicts=(IntegrityError,), error=DomainError):
    """Around a flush or commit that the database may refuse (a unique key or a constraint caught a write made
    meanwhile; a version check): everything is rolled back and the user gets ``message``, as ``error`` (a
    DomainError, or a kind of it the API answers differently), not a 500."""
    from matchmaker.extensions import db
    try:
        yield
    except conflicts:
        db.session.rollback()
        raise error(message, field) from None
