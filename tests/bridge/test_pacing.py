"""The bot-wide gate: evenly spaced, and never more than the limit inside any window."""

from bridge.pacing import RateGate
from tests.bridge.clock import FakeClock


def test_admissions_are_spaced_evenly():
    clock = FakeClock()
    gate = RateGate(10.0, clock=clock)
    assert gate.try_acquire() == 0.0
    wait = gate.try_acquire()
    assert abs(wait - 0.1) < 1e-9, "the next slot is a tenth of a second later"
    clock.advance(wait)
    assert gate.try_acquire() == 0.0


def test_slow_sends_count_until_a_window_after_they_complete():
    clock = FakeClock()
    gate = RateGate(3.0, clock=clock)
    for _ in range(3):
        while gate.try_acquire() > 0:
            clock.advance(0.01)
    clock.advance(2.0)  # all three still in flight (a slow platform): nothing more may start
    assert gate.try_acquire() > 0
    for _ in range(3):
        gate.release()
    clock.advance(0.5)
    assert gate.try_acquire() > 0, "they completed half a window ago: the platform may still count them"
    clock.advance(0.5)
    assert gate.try_acquire() == 0.0


def test_pacing_per_chat_kind_follows_each_platforms_description():
    from bridge.config import Config
    from bridge.server import pacing_of

    pacing = pacing_of(Config())
    assert pacing.spacing("telegram", "42") == 1.0
    assert pacing.spacing("telegram", "-100123") == 3.0, "groups: 20 per minute"
    assert pacing.spacing("slack", "U1") == 1.0
    assert pacing.gate("slack") is None and pacing.gate("telegram") is not None




def test_while_an_urgent_send_waits_a_free_slot_is_kept_for_it():
    from bridge.pacing import RateGate

    gate = RateGate(30, clock=lambda: 100.0)
    gate._urgent = 1  # a live message is waiting for the gate
    assert gate._admit(urgent=False) > 0, "a digest lets it pass"
    assert gate._admit(urgent=True) == 0.0, "the live message takes the slot"
    gate._urgent = 0
    gate.release()
    assert RateGate(30, clock=lambda: 200.0)._admit(urgent=False) == 0.0, "with nobody urgent, bulk goes"
