"""Slack mentions in commands: `<@U…>` and `<@U…|name>` name people, looked up with users.info once."""

from __future__ import annotations

from core.db import transaction
from core.models import Account, Person
from tests.adapters.slack.conftest import ALICE, BOB, DAN
from tests.factories import count_rows


def users_info_calls(standin, user_id: str) -> int:
    return len([c for c in standin.calls("users.info") if c.params.get("user") == user_id])


def test_a_mention_of_someone_new_registers_them_with_their_slack_profile(slack, services, standin):
    answer = slack.command(ALICE, f"follow <@{DAN}>")

    assert answer["text"] == "You follow @dan."
    with transaction(services.sessions) as session:
        dan = session.query(Person).filter_by(handle="dan").one()
        account = session.query(Account).filter_by(person_id=dan.id).one()
        assert (dan.display_name, dan.timezone) == ("dan", "Asia/Tokyo")  # digests default to their zone
        assert (account.platform, account.external_id, account.chat_id) == ("slack", DAN, DAN)


def test_both_mention_forms_resolve_and_users_info_is_called_once_per_person(slack, standin):
    slack.command(BOB, f"follow <@{ALICE}|alice>")
    slack.command(ALICE, f"follow <@{BOB}>")
    slack.command(ALICE, "new https://example.com/a A")

    sent = slack.command(ALICE, f"send p1 to <@{BOB}|bob>, <@{DAN}> hi both")
    again = slack.command(ALICE, f"unfollow <@{BOB}|bob>")

    assert "Sent p1 “A” to @bob" in sent["text"] or "follow" in sent["text"]
    assert again["text"] == "You no longer follow @bob."
    assert users_info_calls(standin, BOB) == 1
    assert users_info_calls(standin, ALICE) == 1
    assert users_info_calls(standin, DAN) == 1


def test_a_mentioned_bot_is_not_a_person(slack, services, standin):
    answer = slack.command(ALICE, f"follow <@{standin.bot_user_id}>")

    assert "I don't know" in answer["text"]
    assert count_rows(services.sessions, Person) == 1  # only alice
