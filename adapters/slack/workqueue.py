"""The work after each ack, bounded: a fixed pool of threads and at most `capacity` requests waiting.

With Bolt's lazy listeners the work after each ack went to `listener_executor`, whose queue
has no end: at 16 concurrent commands the answers fell 20 s behind the acks. (Each lazy
listener also deep-copies the request, WebClient included: a third of an ack's CPU.) Here
the listener itself acks, in the request's thread, and decides: while fewer than `capacity`
admitted requests are unfinished, the request is admitted and its work queued on this
pool's threads; past that it is shed, and the person is told:

- a slash command is acknowledged with the busy text, which Slack shows only to them;
- a button click is acknowledged, and the busy text goes to its response_url;
- a DM to the bot is deferred: the ack answers 503, so Slack retries it (api.slack.com/apis/
  events-api#retries: three retries, nearly at once, after 1 minute and after 5 minutes).
  The last retry is never refused: the busy text goes to the DM instead. Message events
  the listener would ignore (edits, bots, channels) never take a place and are never deferred.

Busy notices go out on a thread of their own, so they never wait behind the work that
filled the queue. Lifecycle events (uninstall, tokens revoked) are never shed.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import BoltResponse

from adapters.slack.responses import Responses
from core.i18n import localized
from core.platforms import QueueFigures
from core.text import tr

log = logging.getLogger(__name__)

BUSY_TEXT = tr("Pinbridge is busy right now, so nothing was done. Please try again in a minute.")
BUSY = str(BUSY_TEXT)  # as English readers see it
WARN_EVERY_SECONDS = 10.0
SLACK_LAST_RETRY = 3  # the Events API retries a failed delivery three times (X-Slack-Retry-Num 1..3)


class WorkQueue:
    """The answer threads, and how many admitted requests have not finished."""

    def __init__(self, threads: int, capacity: int, responses: Responses | None = None) -> None:
        self.responses = responses or Responses(connections=threads)
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="slack-answer")
        self.threads, self.capacity = threads, capacity
        self._lock = threading.Lock()
        self._unfinished = 0
        self._shed = 0
        self._notifier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="slack-busy")
        self._notices = 0
        self._warned_at = -WARN_EVERY_SECONDS
        # Who is shed reads the notice in their language when it is known without asking anyone (Runtime sets
        # this: Slack's profiles in memory) — the busy path makes no database or API call.
        self.language: Callable[[dict], str | None] = lambda body: None

    def admit(self) -> bool:
        """Take a place for one request's work, or count it shed when every place is taken."""
        with self._lock:
            if self._unfinished >= self.capacity:
                self._shed += 1
                now = time.monotonic()
                if now - self._warned_at >= WARN_EVERY_SECONDS:  # under a flood, one line per interval, not per request
                    self._warned_at = now
                    log.warning("slack: the answer queue is full (%d waiting or running); %d requests shed so far",
                                self.capacity, self._shed)
                return False
            self._unfinished += 1
            return True

    def finish(self) -> None:
        with self._lock:
            self._unfinished -= 1

    def figures(self) -> list[QueueFigures]:
        """For /metrics: the work admitted and not finished (running or waiting), the bound, what was shed."""
        with self._lock:
            return [QueueFigures("answers", self._unfinished, self.capacity, self._shed)]

    def stop(self) -> None:
        self.executor.shutdown(wait=True)
        self._notifier.shutdown(wait=True)
        self.responses.close()

    # Bolt listeners ------------------------------------------------------------------------------
    def command(self, listener):
        """A slash command's listener: acknowledged at once (with the busy text when full), the work queued."""
        run = self._work(listener)

        def on_command(ack, body, client, respond):
            if not self.admit():
                return ack(text=busy(self.language(body)))
            if not self._submit(run, body, client, respond):
                return ack(text=busy(self.language(body)))
            ack()

        return on_command

    def click(self, listener):
        """A button's listener: acknowledged either way; a shed click is told so through its response_url."""
        run = self._work(listener)

        def on_click(ack, body, client, respond):
            ack()
            if not (self.admit() and self._submit(run, body, client, respond)):
                self._tell(functools.partial(tell_busy, code=self.language(body)), body, client, respond)

        return on_click

    def event(self, listener, tell, wanted):
        """A message event's listener: admitted, deferred to Slack's retry (503), or on the last retry `tell`.

        Events `wanted` says the listener would ignore anyway (edits, other bots, channels) are
        acknowledged without taking a place, and never deferred.
        """
        run = self._work(listener)

        def on_event(ack, body, client, request):
            if not wanted(body):
                return ack()
            if self.admit() and self._submit(run, body, client, None):
                ack()
                return None
            if _retry_number(request.headers) < SLACK_LAST_RETRY:
                return BoltResponse(status=503, body="busy: retry later")
            self._tell(tell, body, client, None)
            return ack()

        return on_event

    def _submit(self, run, *args) -> bool:
        """Queue admitted work; when the pool will not take it (shutting down), free its place and say so."""
        try:
            self.executor.submit(run, *args)
        except RuntimeError:  # "cannot schedule new futures after shutdown"
            self.finish()
            return False
        return True

    def _work(self, listener):
        """`listener` as the queued work of one admitted request: its place is freed however it ends."""
        wanted = inspect.signature(listener).parameters

        def run(body: dict, client, respond) -> None:
            try:
                given = {"body": body, "client": client, "respond": self.responses.respond_to(body, respond)}
                listener(**{name: value for name, value in given.items() if name in wanted})
            except Exception:  # noqa: BLE001 - logged with the listener's name, as Bolt's lazy runner would
                log.exception("slack: %s failed after its ack", getattr(listener, "__name__", "a listener"))
            finally:
                self.finish()

        return run

    def _tell(self, tell, body, client, respond) -> None:
        """The busy notice on its own thread, never behind the work that filled the queue (and bounded too)."""
        with self._lock:
            if self._notices >= self.capacity:
                log.warning("slack: %d busy notices already waiting; this one is dropped", self._notices)
                return
            self._notices += 1

        def run() -> None:
            try:
                tell(body, client, respond)
            except Exception:  # noqa: BLE001 - telling is best effort; the shed request changed nothing
                log.warning("slack: could not say a request was shed", exc_info=True)
            finally:
                with self._lock:
                    self._notices -= 1

        try:
            self._notifier.submit(run)
        except RuntimeError:  # shutting down: nobody is told, and the count stays true
            with self._lock:
                self._notices -= 1


def _retry_number(headers: dict) -> int:
    """X-Slack-Retry-Num (1..3); anything else, however long, reads as a first delivery."""
    values = headers.get("x-slack-retry-num") or ["0"]
    value = str(values[0] if isinstance(values, (list, tuple)) else values)
    return int(value) if value.isdigit() and len(value) <= 3 else 0


def busy(code: str | None) -> str:
    """The busy notice in one language."""
    return str(localized(BUSY_TEXT, code))


def tell_busy(body: dict, client, respond, code: str | None = None) -> None:
    """A shed click: the busy text where the click's answer would have gone (only to them; the card stays)."""
    respond(text=busy(code), response_type="ephemeral", replace_original=False)
