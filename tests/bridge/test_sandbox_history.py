"""The sandbox's stand-ins keep a bounded history: a ring per chat and the latest records of everything else.

The sandbox runs inside the web process for as long as it is up; what it remembers must
not grow with traffic (issue 16: ~18 KiB a command, without end). Tests of the stand-ins
themselves keep everything (EVERYTHING, the default), the sandbox keeps SANDBOX.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Sized

import pytest

from bridge.sandbox import Sandbox
from bridge.sandbox.bounded import EVERYTHING, SANDBOX, Keep, Recent
from bridge.sandbox.slack_state import SlackStandin
from bridge.sandbox.telegram_state import TelegramStandin

SMALL = Keep(per_chat=5, records=10)
LOAD = 300


def containers(standin) -> dict[str, Sized]:
    """Every record-keeping container of a stand-in: its rings, bounded dicts, and per-chat rings."""
    found = {}
    for name, value in vars(standin).items():
        if isinstance(value, (deque, Recent)):
            found[name] = value
        elif isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, (deque, Recent)):
                    found[f"{name}[{key!r}]"] = inner
    return found


def slack_load(standin: SlackStandin, n: int = LOAD) -> None:
    standin.add_user("U0ALICE", "alice")
    channel = standin.dm_channel("U0ALICE")
    for i in range(n):
        standin.record_call("chat.postMessage", {"channel": channel, "text": f"m{i}"}, "xoxb-t", 200, None)
        standin.post_message(channel, {"text": f"message {i}"}, rate_limited=False)
        standin.record_response_post(f"tok{i}", {"text": f"answer {i}"})
        standin.refuse_response_post(f"bad{i}", {"text": "refused"})
        standin.store_view({"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": []},
                           trigger_id=f"trigger{i}")


def telegram_load(standin: TelegramStandin, n: int = LOAD) -> None:
    standin.add_user(1001, "Alice", username="alice")
    for i in range(n):
        standin.record_call("sendMessage", {"chat_id": 1001, "text": f"m{i}"})
        standin.user_text(1001, f"/inbox {i}")
        update = standin.user_callback(1001, standin.messages(1001, include_users=True)[-1]["message_id"], f"d{i}")
        standin.answer_query("callback_query", update["callback_query"]["id"], {"text": f"ok {i}", "show_alert": False})


@pytest.mark.parametrize("build, load", [(SlackStandin, slack_load), (TelegramStandin, telegram_load)],
                         ids=["slack", "telegram"])
def test_no_container_outgrows_its_bound_however_long_the_traffic(build, load):
    standin = build(keep=SMALL)

    load(standin)

    sizes = {name: len(found) for name, found in containers(standin).items()}
    assert sizes, "the stand-in keeps its records in bounded containers"
    assert all(size <= SMALL.records for size in sizes.values()), sizes
    assert max(sizes.values()) == SMALL.records, "full, not empty: the latest are kept"


def test_a_slack_channel_keeps_its_latest_messages_and_the_calls_their_latest():
    standin = SlackStandin(keep=SMALL)

    slack_load(standin)

    assert [m["text"] for m in standin.messages("U0ALICE")] == [f"message {i}" for i in range(LOAD - 5, LOAD)]
    assert [c.params["text"] for c in standin.calls("chat.postMessage")] == [f"m{i}" for i in range(LOAD - 10, LOAD)]
    assert [p.token for p in standin.response_posts()][-1] == f"tok{LOAD - 1}"
    assert standin.response_uses(f"tok{LOAD - 1}") == 1, "uses are counted per token, not by scanning every post"


def test_a_telegram_chat_keeps_its_latest_messages_and_answers():
    standin = TelegramStandin(keep=SMALL)

    telegram_load(standin)

    kept = standin.messages(1001, include_users=True)
    assert len(kept) == 5 and kept[-1]["text"] == f"/inbox {LOAD - 1}"
    assert [a["text"] for a in standin.callback_answers()] == [f"ok {i}" for i in range(LOAD - 10, LOAD)]


def test_by_default_a_stand_in_keeps_everything_for_its_tests():
    standin = SlackStandin()

    slack_load(standin, 50)

    assert standin.keep == EVERYTHING
    assert len(standin.messages("U0ALICE")) == 50 and len(standin.calls()) == 50


def test_the_sandbox_keeps_sandbox_history_and_enough_for_the_panes():
    sandbox = Sandbox()

    assert sandbox.slack.keep == SANDBOX and sandbox.telegram.keep == SANDBOX
    assert SANDBOX.per_chat >= 100 and SANDBOX.records >= SANDBOX.per_chat


def test_a_bounded_dict_forgets_its_oldest_and_copies_keep_the_bound():
    recent = Recent(3)
    for key in "abcde":
        recent[key] = key.upper()

    assert list(recent) == ["c", "d", "e"]
    copied = copy.deepcopy(recent)
    copied["f"] = "F"
    assert list(copied) == ["d", "e", "f"] and copied.limit == 3
