"""The command grammar (SPEC §2): pure parsing, and 'bad input never crashes' (SPEC §6)."""

from __future__ import annotations

import weakref

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.commands.dispatch import HANDLERS
from core.errors import InvalidInput
from core import grammar
from core.grammar import MAX_COMMAND_LENGTH, WORDS, PersonRef
from core.results import Reply
from tests.factories import friends, refuse, say, shipped_settings, slack_user, telegram_user

MENTIONS = shipped_settings().platforms  # Slack's <@U…> mentions name people by account


def parse(text: str, limit: int = MAX_COMMAND_LENGTH):
    return grammar.parse(text, limit, MENTIONS)


def split_people(text: str, start: int):
    return grammar.split_people(text, start, MENTIONS)

# Pure parsing --------------------------------------------------------------


def _handles(people: list[PersonRef]) -> list[str | None]:
    return [p.handle for p in people]


def test_people_are_separated_by_spaces_and_commas():
    command = parse("send p1 to @bob,@carol, @dan  @Eve Look at this!")
    assert _handles(command.args["people"]) == ["bob", "carol", "dan", "eve"]
    assert command.args["message"] == "Look at this!"


def test_the_message_is_everything_after_the_last_person():
    command = parse("send p1 to @bob see @carol's pin, it's <@U999>-style")
    assert _handles(command.args["people"]) == ["bob"]
    assert command.args["message"] == "see @carol's pin, it's <@U999>-style"
    assert parse("send p1 to @bob").args["message"] == ""


def test_a_comma_with_spaces_around_it_still_separates_people():
    command = parse("send p1 to @bob , @carol hi")
    assert _handles(command.args["people"]) == ["bob", "carol"]
    assert command.args["message"] == "hi"


def test_slack_mentions_name_people_by_account():
    command = parse("send p1 to <@U123|alice>, <@W42> @bob hi")
    people = command.args["people"]
    assert [(p.platform, p.external_id) for p in people[:2]] == [("slack", "U123"), ("slack", "W42")]
    assert people[2].handle == "bob" and command.args["message"] == "hi"


def test_a_send_needs_a_to_and_a_person():
    for bad in ("send p1", "send p1 @bob", "send p1 to", "send p1 to bob"):
        with pytest.raises(InvalidInput):
            parse(bad)


def test_board_new_with_a_trailing_secret_makes_a_secret_board():
    assert parse("board new Summer trips secret").args == {"name": "Summer trips", "secret": True}
    assert parse("board new Summer trips").args == {"name": "Summer trips", "secret": False}
    assert parse("board new secret").args == {"name": "secret", "secret": False}, "a board may be called secret"


def test_board_with_an_owner_names_someone_elses_board():
    command = parse("board @Ana Summer trips")
    assert command.word == "board" and command.args["owner"].handle == "ana"
    assert command.args["name"] == "Summer trips"
    assert parse("board Summer trips").args == {"owner": None, "name": "Summer trips"}


def test_share_board_reads_a_multi_word_name_up_to_to_and_a_person():
    command = parse("share board Summer trips to @bob hi")
    assert command.args["kind"] == "board" and command.args["subject"] == "Summer trips"
    assert _handles(command.args["people"]) == ["bob"] and command.args["message"] == "hi"
    tricky = parse("share board Trips to Paris to @bob")
    assert tricky.args["subject"] == "Trips to Paris"


def test_share_profile_needs_a_person_as_subject():
    command = parse("share profile @ana to @bob @carol")
    assert (command.args["subject"], _handles(command.args["people"])) == ("@ana", ["bob", "carol"])
    with pytest.raises(InvalidInput):
        parse("share profile ana to @bob")
    with pytest.raises(InvalidInput):
        parse("share board Trips")


def test_save_to_a_multi_word_board():
    assert parse("save p1 to My board").args == {"pin": "p1", "board": "My board"}
    assert parse("save p1").args == {"pin": "p1", "board": None}
    with pytest.raises(InvalidInput):
        parse("save p1 into My board")


def test_command_words_are_case_insensitive_and_unknown_words_ask_for_help():
    assert parse("SEND p1 TO @Bob").args["people"][0].handle == "bob"
    assert parse("frobnicate now").args == {"unknown": "frobnicate"}
    assert parse("").word == "help" and parse("   ").word == "help"


def test_too_long_input_is_refused():
    with pytest.raises(InvalidInput, match="too long"):
        parse("reply c1 " + "x" * MAX_COMMAND_LENGTH)
    assert parse("reply c1 " + "x" * (MAX_COMMAND_LENGTH - len("reply c1 "))).word == "reply"


def test_commands_without_arguments_refuse_extra_words():
    for word in ("inbox", "boards", "contacts"):
        with pytest.raises(InvalidInput, match="takes nothing"):
            parse(f"{word} please")


_HANDLE = st.from_regex(r"[a-z0-9_.]{2,12}", fullmatch=True)
_SEPARATOR = st.sampled_from([" ", ",", ", ", " ,", "  ", ",,"])  # " , " is the lone-comma bug above


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(handles=st.lists(_HANDLE, min_size=1, max_size=6), separators=st.data(), message=st.text(max_size=30))
def test_split_people_finds_every_person_and_keeps_the_message(handles, separators, message):
    assume(not message.strip().startswith(("@", "<@", ",")))
    joined = ""
    for i, handle in enumerate(handles):
        sep = separators.draw(_SEPARATOR) if i else ""
        joined += f"{sep}@{handle}"
    people, rest = split_people(f"to {joined} {message}", 2)
    assert _handles(people) == handles
    assert rest == message.strip()


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(text=st.text(max_size=200))
def test_parsing_any_text_gives_a_known_command_or_a_clear_refusal(text):
    try:
        command = parse(text)
    except InvalidInput as refused:
        assert refused.message.strip()
        return
    assert command.word in HANDLERS


# The engine never crashes --------------------------------------------------

ALICE, BOB, CAROL = slack_user("propalice"), telegram_user("propbob"), slack_user("propcarol")
_ready: weakref.WeakSet = weakref.WeakSet()
_INT4_MAX = 2**31 - 1


def _world(engine) -> None:
    """alice and bob are friends with pin p1 and conversation c1; carol is a stranger. Once per engine."""
    if engine in _ready:
        return
    friends(engine, ALICE, BOB)
    engine.ensure(CAROL)
    say(engine, ALICE, "new https://example.com/boots Boots")
    say(engine, ALICE, "send p1 to @propbob hi")
    _ready.add(engine)


_WORD = st.sampled_from([*WORDS, "board new", "share board", "share profile", "send p1 to", "reply c1", "digest daily", "digest weekly"])
_PIECE = st.sampled_from([
    "to", "new", "secret", "board", "profile", ",", "@propalice", "@propbob", "@PROPBOB", "@propcarol", "@ghost",
    "@a", "@" + "x" * 40, "p1", "p2", "P1", "c1", "c2", "p0", "c2147483647", "https://example.com/x",
    "http://[::1", "javascript:alert(1)", "<https://example.com/y|label>", "<http://a", "<@U123|x>", "<@U123>",
    "<@W9>", "daily", "weekly", "hourly", "off", "09:00", "25:00", "mon", "Europe/Paris", "../etc", "Mars/Olympus",
    "inv_x", "link_ABCDEFGH", "slack", "telegram", "both", "Trips", "Saved",
])
_COMMAND_LINE = st.tuples(
    _WORD, st.lists(st.one_of(_PIECE, _PIECE, st.text(max_size=16)), max_size=8), _SEPARATOR,
).map(lambda t: t[2].join([t[0], *t[1]]))


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(who=st.sampled_from([ALICE, BOB, CAROL]), text=st.one_of(st.text(), _COMMAND_LINE))
def test_any_command_line_gets_a_reply_and_never_raises(engine, who, text):
    _world(engine)
    reply = engine.run(who, text)
    assert isinstance(reply, Reply) and isinstance(reply.ok, bool)
    assert reply.text.strip()


# Inputs that once crashed PostgreSQL ------------------------------------------


@pytest.mark.parametrize("command", ["read c2147483648", "reply c999999999999 hi", "dismiss c99999999999",
                                     "save p99999999999", "send p2147483648 to @propbob"])
def test_a_reference_beyond_any_id_is_refused_not_crashed(engine, request, db_url, command):
    _world(engine)
    reply = refuse(engine, ALICE, command)
    assert "no " in reply.text


@pytest.mark.parametrize("command", ["search boots\x00", "link ABCD\x00EFG", "join ab\x00cd",
                                     "new https://example.com/z Title\x00", "reply c1 hi\x00there", "board new Tr\x00ips"])
def test_a_nul_character_is_refused_or_dropped_not_crashed(engine, request, db_url, command):
    _world(engine)
    reply = engine.run(ALICE, command)
    assert reply.text.strip()


def test_a_board_name_that_grows_when_lower_cased_is_refused_or_kept(engine, request, db_url):
    reply = engine.run(ALICE, "board new " + "İ" * 31)
    assert reply.text.strip()


_HOSTILE_FRAGMENTS = ["<@U1|", "<@U1", "<", ">", "|", "@", "@bob", ",", " ", "to", "send", "p1", "<http://a", "x"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(_HOSTILE_FRAGMENTS), max_size=4000).map("".join))
def test_long_adversarial_command_lines_parse_or_are_refused(text):
    try:
        command = parse(text)
    except InvalidInput as refused:
        assert refused.message
    else:
        assert command.word in WORDS or command.word in ("help", "board_new")


def test_a_command_line_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(InvalidInput, match="too long"):
        parse("send p1 to " + "<@U1|" * 8000, limit=4000)
