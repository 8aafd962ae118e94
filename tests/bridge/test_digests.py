"""Scheduled digests: once per period, never empty, catch-up, restarts, two schedulers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from click.testing import CliRunner
from sqlalchemy import func, select, update

from bridge.cli import main
from bridge.digests import DigestScheduler, run_due
from core.db import transaction
from core.models import Delivery, DigestSend, Person
from tests.factories import friends, link_accounts, say, slack_user, telegram_user

DEFAULT = "daily 09:00 UTC"


def age_everyone(sessions, since: datetime = datetime(2026, 1, 1)) -> None:
    """Schedules chosen at `since` (default: long ago, so slots are behind them)."""
    with transaction(sessions) as session:
        session.execute(update(Person).values(digest_anchor=since))


def digests_for(sessions, handle: str) -> list[Delivery]:
    with transaction(sessions) as session:
        person_id = session.scalar(select(Person.id).where(Person.handle == handle))
        return list(session.scalars(select(Delivery).where(Delivery.kind == "digest", Delivery.person_id == person_id)))


def conversation(engine, sessions, bob=None):
    alice, bob = slack_user("alice"), bob or telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Hiking boots")
    say(engine, alice, "send p1 to @bob Look!")
    say(engine, alice, "reply c1 Aren't they great?")
    age_everyone(sessions)
    return alice, bob


def test_one_digest_per_period_however_often_it_runs(engine, sessions):
    conversation(engine, sessions)
    now = datetime(2026, 11, 23, 9, 5)
    assert run_due(sessions, DEFAULT, now) == 1
    assert run_due(sessions, DEFAULT, now) == 0
    assert run_due(sessions, DEFAULT, now + timedelta(hours=5)) == 0, "same day, same period"
    (digest,) = digests_for(sessions, "bob")
    assert digest.payload["total"] == 2
    (convo,) = digest.payload["conversations"]
    assert convo["ref"] == "c1" and convo["count"] == 2
    assert [line["summary"] for line in convo["lines"]] == ["p1 “Hiking boots” Look!", "Aren't they great?"]


def test_nothing_unread_means_no_digest(engine, sessions):
    _, bob = conversation(engine, sessions)
    say(engine, bob, "read c1")
    assert run_due(sessions, DEFAULT, datetime(2026, 11, 23, 9, 5)) == 0
    assert digests_for(sessions, "alice") == [], "your own messages are never unread"


def test_batches_of_people_with_nothing_unread_do_not_hide_those_after_them(engine, sessions):
    """The pass takes candidates in batches and reads their unread itself: empty batches cost nothing else."""
    quiet = [slack_user(f"quiet{n}") for n in range(5)]
    for person in quiet:
        engine.ensure(person)
    conversation(engine, sessions)  # alice and bob come after the five quiet people

    assert run_due(sessions, DEFAULT, datetime(2026, 11, 23, 9, 5), batch_size=2) == 1
    assert len(digests_for(sessions, "bob")) == 1
    with transaction(sessions) as session:
        assert session.scalar(select(func.count()).select_from(DigestSend)) == 1, "only bob was claimed"
    assert run_due(sessions, DEFAULT, datetime(2026, 11, 23, 9, 6), batch_size=2) == 0


def test_off_means_off(engine, sessions):
    _, bob = conversation(engine, sessions)
    say(engine, bob, "digest off")
    age_everyone(sessions)
    for day in range(7):
        assert run_due(sessions, DEFAULT, datetime(2026, 11, 23 + day, 9, 5)) == 0


def test_a_schedule_in_the_persons_own_time_zone(engine, sessions):
    _, bob = conversation(engine, sessions)
    say(engine, bob, "digest daily 08:00 America/New_York")
    age_everyone(sessions, since=datetime(2026, 11, 23, 1, 0))
    assert run_due(sessions, DEFAULT, datetime(2026, 11, 23, 12, 59)) == 0, "07:59 in New York"
    assert run_due(sessions, DEFAULT, datetime(2026, 11, 23, 13, 0)) == 1, "08:00 in New York (UTC-5)"


def test_weekly_and_hourly_schedules(engine, sessions):
    _, bob = conversation(engine, sessions)
    say(engine, bob, "digest weekly fri 18:30 Europe/Paris")
    age_everyone(sessions, since=datetime(2026, 11, 26))
    assert run_due(sessions, DEFAULT, datetime(2026, 11, 27, 17, 29)) == 0, "Friday 18:29 in Paris"
    assert run_due(sessions, DEFAULT, datetime(2026, 11, 27, 17, 30)) == 1
    assert run_due(sessions, DEFAULT, datetime(2026, 12, 3, 17, 30)) == 0, "still the same week"
    say(engine, bob, "digest hourly")
    age_everyone(sessions, since=datetime(2026, 12, 3, 17, 45))
    assert run_due(sessions, DEFAULT, datetime(2026, 12, 3, 18, 0)) == 1
    assert run_due(sessions, DEFAULT, datetime(2026, 12, 3, 18, 59)) == 0
    assert run_due(sessions, DEFAULT, datetime(2026, 12, 3, 19, 0)) == 1


def test_dst_spring_forward_in_paris_sends_exactly_one(engine, sessions):
    _, bob = conversation(engine, sessions)
    say(engine, bob, "digest daily 02:30 Europe/Paris")  # 02:30 does not exist on 2026-03-29
    age_everyone(sessions, since=datetime(2026, 3, 28, 22, 0))  # chosen the evening before
    sent = 0
    moment = datetime(2026, 3, 28, 23, 0)
    while moment < datetime(2026, 3, 29, 22, 0):  # the whole local day, minute by 10 minutes
        sent += run_due(sessions, DEFAULT, moment)
        moment += timedelta(minutes=10)
    assert sent == 1


def test_catch_up_after_an_outage_sends_one_digest(engine, sessions):
    conversation(engine, sessions)
    assert run_due(sessions, DEFAULT, datetime(2026, 11, 20, 9, 1)) == 1
    say(engine, slack_user("carol"), "help")  # unrelated traffic
    # The scheduler was down for four days; unread messages are still waiting.
    assert run_due(sessions, DEFAULT, datetime(2026, 11, 24, 15, 0)) == 1
    assert run_due(sessions, DEFAULT, datetime(2026, 11, 24, 15, 1)) == 0
    assert len(digests_for(sessions, "bob")) == 2


def test_mark_all_read_from_a_digest_clears_unread_on_every_platform(engine, sessions):
    bob_telegram = telegram_user("bob")
    alice, _ = conversation(engine, sessions, bob_telegram)
    bob_slack = slack_user("bobslack")
    link_accounts(engine, bob_telegram, bob_slack)
    assert run_due(sessions, DEFAULT, datetime(2026, 11, 23, 9, 5)) == 1
    assert {d.platform for d in digests_for(sessions, "bob")} == {"slack", "telegram"}, "one per platform"
    (digest, _) = digests_for(sessions, "bob")
    refs = [c["ref"] for c in digest.payload["conversations"]]
    assert engine.mark_all_read(bob_slack, refs).ok, "pressed on Slack"
    assert "unread" not in say(engine, bob_telegram, "inbox").text
    assert run_due(sessions, DEFAULT, datetime(2026, 11, 24, 9, 5)) == 0


def test_a_scheduler_restart_does_not_resend(engine, sessions, monkeypatch):
    conversation(engine, sessions)
    first = DigestScheduler(sessions, DEFAULT, every_seconds=3600)
    assert first.tick() == 1
    second = DigestScheduler(sessions, DEFAULT, every_seconds=3600)  # a new process, same database
    assert second.tick() == 0
    with transaction(sessions) as session:
        assert session.scalar(select(func.count()).select_from(DigestSend)) == 1


def test_two_schedulers_at_once_send_each_digest_once(engine, sessions):
    alice = slack_user("alice")
    readers = [telegram_user(f"reader{i}") for i in range(12)]
    friends(engine, alice, *readers[:9])
    say(engine, alice, "new https://example.com/x X")
    say(engine, alice, "send p1 to " + " ".join(f"@reader{i}" for i in range(9)) + " hi")
    age_everyone(sessions)
    now = datetime(2026, 11, 23, 9, 5)
    with ThreadPoolExecutor(2) as pool:  # .result() re-raises anything a scheduler hit
        results = [f.result() for f in [pool.submit(run_due, sessions, DEFAULT, now, 3) for _ in range(2)]]
    assert sum(results) == 9
    with transaction(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Delivery).where(Delivery.kind == "digest")) == 9


def test_cli_runs_and_previews_digests(engine, sessions, tmp_path, db_url):
    conversation(engine, sessions)
    config = tmp_path / "config.yaml"
    config.write_text(f"database_url: {db_url}\n")
    runner = CliRunner()
    preview = runner.invoke(main, ["digests", "preview", "@bob", "--config", str(config)])
    assert "bob: 2 unread" in preview.output and "@alice: p1 “Hiking boots” Look!" in preview.output
    first = runner.invoke(main, ["digests", "run", "--now", "2026-11-23T09:05:00Z", "--config", str(config)])
    again = runner.invoke(main, ["digests", "run", "--now", "2026-11-23T09:05:00Z", "--config", str(config)])
    assert first.output.strip() == "1 digests queued" and again.output.strip() == "0 digests queued"
    bad = runner.invoke(main, ["digests", "run", "--now", "tuesday", "--config", str(config)])
    assert bad.exit_code == 2 and "not an ISO-8601 instant" in bad.output


def test_send_digests_now_reaches_everyone_with_unread_except_off(engine, sessions):
    alice, bob = conversation(engine, sessions)
    carol = telegram_user("carol")
    friends(engine, alice, carol)
    say(engine, alice, "send p1 to @carol Look!")
    say(engine, carol, "digest off")
    now = datetime(2026, 11, 23, 14, 0)
    assert run_due(sessions, DEFAULT, now, everyone=True) == 1, "bob (carol chose off, alice read everything)"
    assert run_due(sessions, DEFAULT, now, everyone=True) == 0, "the same instant is one period"


def test_housekeeping_forgets_old_event_ids_and_button_keys(engine, sessions):
    from core.models import ActionKey, InboundEvent

    engine.first_time("slack_event", "Ev1")
    key = engine.action_key({"do": "save", "pin": 1})
    with transaction(sessions) as session:
        session.execute(update(InboundEvent).values(received_at=datetime(2020, 1, 1)))
        session.execute(update(ActionKey).values(created_at=datetime(2020, 1, 1)))
    removed = DigestScheduler(sessions, DEFAULT).prune()
    assert removed == {"inbound_events": 1, "action_keys": 1, "failed_attempts": 0}
    assert engine.action(key) is None
