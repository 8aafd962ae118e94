"""Digest schedules (F11): parsing, and due slots that stay one-per-period across DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from core.errors import InvalidInput
from core.schedules import Schedule, latest_slot, parse
from tests.factories import refuse, say, slack_user

# Parsing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("off", "off"),
        ("OFF", "off"),
        ("hourly", "hourly UTC"),
        ("hourly Asia/Tokyo", "hourly Asia/Tokyo"),
        ("daily 9:00", "daily 09:00 UTC"),
        ("DAILY 07:05 Europe/Paris", "daily 07:05 Europe/Paris"),
        ("daily 23:59 gmt", "daily 23:59 UTC"),
        ("weekly Monday 18:30 America/New_York", "weekly mon 18:30 America/New_York"),
        ("weekly SUN 00:00", "weekly sun 00:00 UTC"),
        ("  daily   06:15   ", "daily 06:15 UTC"),
    ],
)
def test_schedules_are_parsed_to_a_canonical_text(typed, canonical):
    schedule = parse(typed)
    assert schedule.text() == canonical
    assert parse(schedule.text()) == schedule, "the canonical text reads back the same"


def test_the_persons_own_zone_is_the_default_and_an_explicit_zone_wins():
    assert parse("daily 09:00", "Europe/Paris").text() == "daily 09:00 Europe/Paris"
    assert parse("hourly", "Asia/Tokyo").tz == "Asia/Tokyo"
    assert parse("daily 09:00 America/New_York", "Europe/Paris").tz == "America/New_York"


def test_weekly_days_are_numbered_from_monday():
    assert [parse(f"weekly {day} 09:00").weekday for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")] == list(range(7))


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "daily 25:00",
        "daily 09:60",
        "daily 9",
        "daily nine",
        "daily 09:00:00",
        "daily",
        "weekly funday 09:00",
        "weekly mon",
        "daily 09:00 Mars/Olympus",
        "daily 09:00 ../etc",
        "daily 09:00 /etc/passwd",
        "daily 09:00 Europe/../../etc/passwd",
        "daily 09:00 Paris",
        "daily 09:00 Europe/Paris extra",
        "hourly 09:00",
        "off now",
        "monthly 1 09:00",
    ],
)
def test_bad_schedules_are_refused_with_a_message(typed):
    with pytest.raises(InvalidInput) as refused:
        parse(typed)
    assert refused.value.message


def test_a_zone_folder_is_refused_like_any_other_bad_zone(engine):
    with pytest.raises(InvalidInput):
        parse("daily 09:00 America/Argentina")
    refuse(engine, slack_user("alice"), "digest daily 09:00 America/Argentina")


def test_the_digest_command_refuses_a_path_as_zone_and_keeps_the_old_schedule(engine):
    alice = slack_user("alice")
    say(engine, alice, "digest daily 07:00 Europe/Paris")
    assert "not a time zone" in refuse(engine, alice, "digest daily 09:00 ../etc").text
    assert "daily 07:00 Europe/Paris" in say(engine, alice, "digest").text


# Due slots -----------------------------------------------------------------


def _at(text: str) -> datetime:
    """A naive UTC instant, as the scheduler passes `now`."""
    return datetime.fromisoformat(text)


def _walk(schedule: Schedule, start: str, end: str, minutes: int = 1):
    """latest_slot at every step from start to end: (now, slot, key)."""
    now, stop, steps = _at(start), _at(end), []
    while now <= stop:
        slot, key = latest_slot(schedule, now)
        assert slot <= now, f"slot {slot} after now {now}"
        steps.append((now, slot, key))
        now += timedelta(minutes=minutes)
    return steps


def _keys_in_order(steps) -> list[str]:
    return list(dict.fromkeys(key for _, _, key in steps))


def _slots_by_key(steps) -> dict[str, set[datetime]]:
    found: dict[str, set[datetime]] = {}
    for _, slot, key in steps:
        found.setdefault(key, set()).add(slot)
    return found


def _local(slot: datetime, tz: str) -> datetime:
    return slot.replace(tzinfo=UTC).astimezone(ZoneInfo(tz))


def test_off_is_never_due():
    assert latest_slot(parse("off"), _at("2026-03-29T12:00")) is None


def test_a_daily_slot_is_today_after_its_time_and_yesterday_before():
    daily = parse("daily 09:00")
    assert latest_slot(daily, _at("2026-05-04T08:59")) == (_at("2026-05-03T09:00"), "d:2026-05-03")
    assert latest_slot(daily, _at("2026-05-04T09:00")) == (_at("2026-05-04T09:00"), "d:2026-05-04")


@pytest.mark.parametrize(
    ("tz", "at", "day", "slot_utc"),
    [
        ("Europe/Paris", "02:30", "2026-03-29", "2026-03-29T01:30"),  # 02:30 does not exist: 03:30 CEST
        ("America/New_York", "02:30", "2026-03-08", "2026-03-08T07:30"),  # 03:30 EDT
    ],
)
def test_a_daily_slot_inside_the_spring_forward_gap_happens_once_that_day(tz, at, day, slot_utc):
    start = _at(f"{day}T00:00") - timedelta(hours=12)
    steps = _walk(parse(f"daily {at} {tz}"), start.isoformat(), (start + timedelta(hours=48)).isoformat())
    slots_that_day = {slot for _, slot, _ in steps if _local(slot, tz).date().isoformat() == day}
    assert slots_that_day == {_at(slot_utc)}
    assert _slots_by_key(steps)[f"d:{day}"] == {_at(slot_utc)}


@pytest.mark.parametrize(
    ("tz", "at", "day", "first_utc"),
    [
        ("Europe/Paris", "02:30", "2026-10-25", "2026-10-25T00:30"),  # 02:30 CEST, then again at 02:30 CET
        ("America/New_York", "01:30", "2026-11-01", "2026-11-01T05:30"),  # 01:30 EDT, then again at 01:30 EST
    ],
)
def test_a_daily_slot_in_the_repeated_fall_back_hour_gives_one_key_that_day(tz, at, day, first_utc):
    start = _at(f"{day}T00:00") - timedelta(hours=12)
    steps = _walk(parse(f"daily {at} {tz}"), start.isoformat(), (start + timedelta(hours=48)).isoformat())
    by_key = _slots_by_key(steps)
    assert by_key[f"d:{day}"] == {_at(first_utc)}, "the first occurrence only"
    assert all(len(slots) == 1 for slots in by_key.values())
    assert sum(1 for key in by_key if key == f"d:{day}") == 1


@pytest.mark.parametrize(
    ("tz", "day"),
    [("Europe/Paris", "2026-03-29"), ("Europe/Paris", "2026-10-25"), ("America/New_York", "2026-03-08"), ("America/New_York", "2026-11-01")],
)
def test_consecutive_days_have_distinct_keys_around_dst(tz, day):
    start = _at(f"{day}T00:00") - timedelta(days=2)
    steps = _walk(parse(f"daily 09:00 {tz}"), start.isoformat(), (start + timedelta(days=5)).isoformat(), minutes=15)
    keys = _keys_in_order(steps)
    dates = [datetime.fromisoformat(key[2:]).date() for key in keys]
    assert all(later - earlier == timedelta(days=1) for earlier, later in pairwise(dates))
    assert len(keys) == 6
    for _, slot, key in steps:
        local = _local(slot, tz)
        assert (local.hour, local.minute, local.date().isoformat()) == (9, 0, key[2:])


def test_hourly_over_the_repeated_hour_gives_one_key_for_that_local_hour():
    # Paris 2026-10-25: 02:00–03:00 local happens twice, 00:00–02:00 UTC.
    hourly = parse("hourly Europe/Paris")
    repeated = _walk(hourly, "2026-10-25T00:00", "2026-10-25T01:59")
    assert _keys_in_order(repeated) == ["h:2026-10-25T02"]
    whole_day = _walk(hourly, "2026-10-24T22:00", "2026-10-25T22:59")  # 25 hours of local 25 October
    assert len(_keys_in_order(whole_day)) == 24
    ny = _walk(parse("hourly America/New_York"), "2026-11-01T05:00", "2026-11-01T06:59")
    assert _keys_in_order(ny) == ["h:2026-11-01T01"]


def test_hourly_on_the_spring_forward_day_skips_the_missing_hour():
    steps = _walk(parse("hourly Europe/Paris"), "2026-03-28T23:00", "2026-03-29T21:59")  # 23 hours of local 29 March
    keys = _keys_in_order(steps)
    assert len(keys) == 23 and "h:2026-03-29T02" not in keys
    assert keys[:3] == ["h:2026-03-29T00", "h:2026-03-29T01", "h:2026-03-29T03"]
    for now, slot, _ in steps:
        assert now - slot < timedelta(hours=1)


def test_weekly_picks_the_right_weekday_across_a_dst_change():
    steps = _walk(parse("weekly sun 02:30 Europe/Paris"), "2026-03-21T00:00", "2026-04-06T00:00", minutes=15)
    by_key = _slots_by_key(steps)
    assert by_key == {
        "w:2026-03-15": {_at("2026-03-15T01:30")},
        "w:2026-03-22": {_at("2026-03-22T01:30")},  # 02:30 CET
        "w:2026-03-29": {_at("2026-03-29T01:30")},  # the gap: 03:30 CEST
        "w:2026-04-05": {_at("2026-04-05T00:30")},  # 02:30 CEST
    }
    assert all(_local(slot, "Europe/Paris").weekday() == 6 for slots in by_key.values() for slot in slots)


def test_weekly_in_new_york_follows_the_clock_not_a_fixed_offset():
    monday = parse("weekly mon 09:00 America/New_York")
    assert latest_slot(monday, _at("2026-03-09T12:59")) == (_at("2026-03-02T14:00"), "w:2026-03-02")  # EST
    assert latest_slot(monday, _at("2026-03-09T13:00")) == (_at("2026-03-09T13:00"), "w:2026-03-09")  # EDT
    assert latest_slot(monday, _at("2026-03-15T23:59")) == (_at("2026-03-09T13:00"), "w:2026-03-09")


def test_the_slot_is_never_after_now_for_any_schedule():
    for typed in ("hourly Australia/Lord_Howe", "daily 00:00 Pacific/Chatham", "weekly fri 23:59 Asia/Kolkata"):
        _walk(parse(typed), "2026-04-01T00:00", "2026-04-09T00:00", minutes=7)
