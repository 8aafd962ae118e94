"""Slack mentions in commands: `<@U…>` and `<@U…|name>` name people, looked up with users.info once."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from adapters.slack.mentions import Directory, mentioned_ids
from adapters.slack.mrkdwn import message_text
from core.db import transaction
from adapters.slack import PLATFORM
from adapters.slack.settings import SlackSettings
from core.grammar import person_ref
from core.models import Account, Person
from tests.adapters.slack.conftest import ALICE, BOB, CAROL, DAN
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
        assert (account.platform, account.external_id, account.chat_id) == ("slack", DAN, standin.dm_channel(DAN))


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
    slack.command(ALICE, "help")
    answer = slack.command(ALICE, f"follow <@{standin.bot_user_id}>")

    assert "I don't know" in answer["text"]
    assert count_rows(services.sessions, Person) == 1  # only alice


def test_a_message_shows_as_names_exactly_the_mentions_a_command_reads_as_people():
    mentions = ["<@U1|bob>", "<@W2>", "<@U3|>"]
    not_mentions = ["<@u4>", "<@U" + "1" * 21 + ">"]  # lower case; an id longer than Slack's

    text = " ".join(["hi", *mentions, *not_mentions])

    assert [person_ref(m, (PLATFORM.info(SlackSettings()),)).external_id for m in mentions] == mentioned_ids(text) == ["U1", "W2", "U3"]
    assert all(person_ref(m) is None for m in not_mentions)
    assert message_text(text) == "hi @bob @W2 @U3 " + " ".join(not_mentions)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client(slack_api) -> WebClient:
    return WebClient(token="xoxb-test-token", base_url=slack_api.url + "/api/")


def test_the_directory_forgets_people_once_their_answer_expires(engine, client, standin):
    clock = Clock()
    directory = Directory(ttl=60, clock=clock)
    directory.lookup(client, ALICE)
    directory.lookup(client, BOB)

    clock.now = 61
    directory.lookup(client, CAROL)

    assert len(directory.known) == 1, "expired answers are dropped, not kept forever"
    assert directory.lookup(client, ALICE).username == "alice"
    assert users_info_calls(standin, ALICE) == 2


def test_the_directory_holds_at_most_its_limit_dropping_the_oldest(engine, client, standin):
    directory = Directory(limit=2)
    for user in (ALICE, BOB, CAROL):
        directory.lookup(client, user)

    directory.lookup(client, CAROL)
    directory.lookup(client, ALICE)

    assert len(directory.known) == 2
    assert users_info_calls(standin, CAROL) == 1, "still cached"
    assert users_info_calls(standin, ALICE) == 2, "dropped as the oldest, so asked again"


@pytest.mark.parametrize("mentions, refusal", [(300, "one command can name at most 10"), (4400, "too long")])
def test_a_mention_flood_is_refused_before_any_users_info_call(slack, standin, mentions, refusal):
    flood = " ".join(f"<@U{n:06d}>" for n in range(mentions))
    answer = slack.command(ALICE, f"send p1 to {flood} hi")
    assert refusal in answer["text"] and answer["response_type"] == "ephemeral"
    assert standin.calls("users.info") == []


def test_a_failed_users_info_is_not_remembered_as_a_stranger(slack, standin):
    slack.command(ALICE, "help")  # her own look-up is answered and cached
    standin.fail_next("users.info", status=429, retry_after=1)
    first = slack.command(ALICE, f"follow <@{DAN}>")
    assert "I don't know" in first["text"]
    again = slack.command(ALICE, f"follow <@{DAN}>")  # asked again, not answered from a cached failure
    assert again["text"] == "You follow @dan."


def test_mentioned_people_are_registered_with_the_command_not_before_it(slack, services, standin):
    answer = slack.command(ALICE, f"send p99 to <@{DAN}> hi")  # refused: there is no p99
    assert "no pin p99" in answer["text"]
    assert count_rows(services.sessions, Person) == 0  # a refused command changes nothing
