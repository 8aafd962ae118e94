"""A send that times out after reaching Telegram may have arrived: it is tried once more, never a third time."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from core.db import transaction
from core.models import Delivery
from tests.adapters.telegram.harness import BOB, text_of
from tests.adapters.telegram.test_sender import pending

pytestmark = pytest.mark.parametrize("mode", ["webhook"])


@pytest.fixture
def config(db_url, api, mode):
    """Sends give up waiting for an answer after half a second (the shipped default is 30 s)."""
    from tests.adapters.telegram.conftest import telegram_config

    return telegram_config(db_url, api.url, mode=mode, send_read_timeout_seconds=0.5)


def _due_now(sessions) -> None:
    """Skip the pause before the next try (the worker's clock is the real one)."""
    from datetime import datetime

    from core.models import Lane

    with transaction(sessions) as session:
        session.execute(update(Delivery).values(next_attempt_at=datetime(2000, 1, 1)))
        session.execute(update(Lane).values(not_before=datetime(2000, 1, 1)))


def _copies(standin, text: str) -> int:
    return sum(text in text_of(m) for m in standin.messages(BOB))


@pytest.mark.parametrize("second_answer", ["late", "on time"])
def test_a_send_that_may_have_arrived_is_tried_once_more_at_most(bot, worker, standin, services, second_answer):
    pending(bot, worker, "Are these waterproof?")  # the delivery is claimed by `pending`, then let go
    worker.release()
    for method in ("sendMessage", "sendPhoto"):
        standin.answer_late(method, 1.5, times=1 if second_answer == "on time" else 2)
    worker.run_once()
    with transaction(services.sessions) as session:
        delivery = session.scalar(select(Delivery))
        assert (delivery.status, delivery.uncertain) == ("pending", True)
        assert (delivery.next_attempt_at - delivery.created_at).total_seconds() > 30, "a pause before the one more try"
    for _ in range(3):
        _due_now(services.sessions)
        worker.run_once()
    with transaction(services.sessions) as session:
        delivery = session.scalar(select(Delivery))
    expected = "failed" if second_answer == "late" else "sent"
    assert delivery.status == expected, delivery.last_error
    assert _copies(standin, "Are these waterproof?") == 2, "it arrived at most twice"
    if expected == "failed":
        assert "it may have arrived" in delivery.last_error
