"""Digest schedules (F11): parsing, and the latest due slot — DST-correct via zoneinfo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import InvalidInput
from core.text import Command, Text, joined, tr

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FORMS = ("digest off", "digest hourly", "digest daily HH:MM [Area/City]", "digest weekly mon..sun HH:MM [Area/City]")


def usage() -> Text:
    """How a schedule is written: the four forms of the digest command."""
    return tr("Use: {forms}", forms=joined((Command(form) for form in FORMS), " | "))


@dataclass(frozen=True)
class Schedule:
    kind: str  # off|hourly|daily|weekly
    tz: str = "UTC"
    at: time = time(9, 0)
    weekday: int = 0  # Monday = 0, for weekly

    def text(self) -> str:
        """The canonical form stored and shown back to the user."""
        if self.kind == "off":
            return "off"
        if self.kind == "hourly":
            return f"hourly {self.tz}"
        day = f" {DAYS[self.weekday]}" if self.kind == "weekly" else ""
        return f"{self.kind}{day} {self.at:%H:%M} {self.tz}"


def zone(name: str) -> ZoneInfo:
    """A time zone by IANA name (or UTC), or InvalidInput."""
    cleaned = name.strip()
    if cleaned.upper() in ("UTC", "Z", "GMT"):
        return ZoneInfo("UTC")
    if "/" not in cleaned or ".." in cleaned or cleaned.startswith("/"):
        raise InvalidInput(_no_zone(cleaned))
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a tzdata folder, not a zone
        raise InvalidInput(_no_zone(cleaned)) from None


def _no_zone(cleaned: str) -> Text:
    return tr("“{typed}” is not a time zone — use a name like Europe/Paris.", typed=cleaned[:40])


def _clock(text: str) -> time:
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise InvalidInput(tr("“{typed}” is not a time — use HH:MM, like 09:00.", typed=text[:10])) from None


def parse(text: str, default_tz: str | None = None) -> Schedule:
    """'daily 09:00 Europe/Paris' -> Schedule; the zone defaults to the person's, else UTC."""
    words = text.split()
    if not words:
        raise InvalidInput(usage())
    kind, rest = words[0].lower(), words[1:]
    if kind == "off" and not rest:
        return Schedule("off")
    if kind == "hourly" and len(rest) <= 1:
        return Schedule("hourly", tz=_tz_name(rest, default_tz))
    if kind == "daily" and 1 <= len(rest) <= 2:
        return Schedule("daily", tz=_tz_name(rest[1:], default_tz), at=_clock(rest[0]))
    if kind == "weekly" and 2 <= len(rest) <= 3:
        day = rest[0].lower()[:3]
        if day not in DAYS:
            raise InvalidInput(tr("“{typed}” is not a day — use mon, tue, wed, thu, fri, sat or sun.", typed=rest[0][:12]))
        return Schedule("weekly", tz=_tz_name(rest[2:], default_tz), at=_clock(rest[1]), weekday=DAYS.index(day))
    raise InvalidInput(usage())


def _tz_name(rest: list[str], default_tz: str | None) -> str:
    name = rest[0] if rest else (default_tz or "UTC")
    return zone(name).key


def latest_slot(schedule: Schedule, now: datetime) -> tuple[datetime, str] | None:
    """The most recent scheduled instant at or before `now` (naive UTC) and its period key."""
    if schedule.kind == "off":
        return None
    tz = ZoneInfo(schedule.tz)
    local = now.replace(tzinfo=timezone.utc).astimezone(tz)
    if schedule.kind == "hourly":
        # A repeated local hour shares one key: one digest, not two.
        slot = local.replace(minute=0, second=0, microsecond=0)
        return _utc(slot), f"h:{slot:%Y-%m-%dT%H}"
    day = local.date()
    if schedule.kind == "weekly":
        day -= timedelta(days=(day.weekday() - schedule.weekday) % 7)
    step = timedelta(days=7 if schedule.kind == "weekly" else 1)
    while True:
        # fold=0: a skipped time (spring forward) maps to the instant just after the gap;
        # a repeated one (fall back) to its first occurrence. Keyed by date: one per day.
        slot = datetime.combine(day, schedule.at, tzinfo=tz)
        if _utc(slot) <= now:
            return _utc(slot), f"{schedule.kind[0]}:{day.isoformat()}"
        day -= step


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)

