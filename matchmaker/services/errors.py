"""Domain errors carry a message already translated into the user's language."""


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
