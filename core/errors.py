"""Domain errors: each carries a short message meant for the user who caused it."""


from core.text import Text, rich


class DomainError(Exception):
    """A rule of Pinbridge said no; `text` (rich) is safe to show to the user, `message` is its plain reading."""

    def __init__(self, message: Text | str):
        self.text = rich(message)
        self.message = str(self.text)
        super().__init__(self.message)


class InvalidInput(DomainError):
    """The user typed something Pinbridge cannot use (bad URL, bad handle, too long)."""


class NotFound(DomainError):
    """The pin, board, person or conversation does not exist — or is not yours to see."""


class Forbidden(DomainError):
    """The rules forbid it: not a mutual follow, blocked, not a participant."""


class LimitExceeded(DomainError):
    """A size limit was hit, such as the group limit."""
