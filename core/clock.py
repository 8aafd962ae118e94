"""Time, the one way Pinbridge stores it: naive UTC datetimes."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now, as naive UTC (how every timestamp is stored, on SQLite and PostgreSQL)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_naive_utc(moment: datetime) -> datetime:
    """Convert an aware datetime to naive UTC; naive input is taken as UTC already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
