"""Domain errors: each carries a short message meant for the user who caused it."""


class DomainError(Exception):
    """A rule of Pinbridge said no; `message` is safe to show to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """The user typed something Pinbridge cannot use (bad URL, bad handle, too long)."""


class NotFound(DomainError):
    """The pin, board, person or conversation does not exist — or is not yours to see."""


class Forbidden(DomainError):
    """The rules forbid it: not a mutual follow, blocked, not a participant."""


class LimitExceeded(DomainError):
    """A size limit was hit, such as the group limit."""
