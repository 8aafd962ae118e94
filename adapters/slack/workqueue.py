"""The work after each ack, bounded: a fixed pool of threads and at most `capacity` requests waiting.

Bolt (process_before_response with lazy listeners) acknowledges every request in its own
thread and hands the work to `listener_executor`, whose queue has no end: at 16 concurrent
commands the answers fell 20 s behind the acks. Here the ack decides. A request is admitted
(it gets a ticket, carried to its lazy listener in Bolt's context) while fewer than
`capacity` admitted requests are unfinished; past that it is shed, and the person is told:

- a slash command is acknowledged with the busy text, which Slack shows only to them;
- a button click is acknowledged, and the busy text goes to its response_url;
- a DM to the bot is deferred: the ack answers 503, so Slack retries it (api.slack.com/apis/
  events-api#retries: three retries, after about 1 minute, then 5, then 30). The last
  retry is never refused: the busy text goes to the DM instead.

Busy notices go out on a thread of their own, so they never wait behind the work that
filled the queue. Lifecycle events (uninstall, tokens revoked) are never shed.
"""

from __future__ import annotations

import inspect
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import BoltResponse

from adapters.slack.responses import Responses
from core.platforms import QueueFigures

log = logging.getLogger(__name__)

TICKET = "pinbridge_admitted"  # set in Bolt's context by the ack: this request's work may run
BUSY = "Pinbridge is busy right now, so nothing was done. Please try again in a minute."
SLACK_LAST_RETRY = 3  # the Events API retries a failed delivery three times (X-Slack-Retry-Num 1..3)


class WorkQueue:
    """The lazy listeners' threads, and how many admitted requests have not finished."""

    def __init__(self, threads: int, capacity: int, responses: Responses | None = None) -> None:
        self.responses = responses or Responses(connections=threads)
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="slack-lazy")
        self.threads, self.capacity = threads, capacity
        self._lock = threading.Lock()
        self._unfinished = 0
        self._shed = 0
        self._notifier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="slack-busy")
        self._notices = 0

    def admit(self) -> bool:
        """Take a place for one request's work, or count it shed when every place is taken."""
        with self._lock:
            if self._unfinished >= self.capacity:
                self._shed += 1
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
    def ack_command(self, ack, context) -> None:
        """A slash command: admitted, or answered at once with the busy text (ephemeral)."""
        if self._admitted(context):
            ack()
        else:
            log.warning("slack: answer queue full (%d); a command was shed", self.capacity)
            ack(text=BUSY)

    def ack_click(self, ack, body, respond, context) -> None:
        """A button: acknowledged either way; a shed click is told so through its response_url."""
        if not self._admitted(context):
            log.warning("slack: answer queue full (%d); a click was shed", self.capacity)
            self._tell(tell_busy, body, None, respond)
        ack()

    def ack_event(self, tell):
        """A message event's ack: admit it, defer it to Slack's retry (503), or on the last retry `tell` the person."""

        def ack_event(ack, body, client, context, request):
            if self._admitted(context):
                return ack()
            if _retry_number(request.headers) < SLACK_LAST_RETRY:
                log.warning("slack: answer queue full (%d); an event was deferred to Slack's retry", self.capacity)
                return BoltResponse(status=503, body="busy: retry later")
            log.warning("slack: answer queue full (%d) on Slack's last retry; telling the person", self.capacity)
            self._tell(tell, body, client, None)
            return ack()

        return ack_event

    def gated(self, listener):
        """`listener` as a lazy function that runs only with a ticket (and frees its place when done)."""
        wanted = inspect.signature(listener).parameters

        def run(body: dict, client, respond, context) -> None:
            if not context.get(TICKET):
                return  # shed at the ack, which told the person
            try:
                given = {"body": body, "client": client, "respond": self.responses.respond_to(body, respond)}
                listener(**{name: value for name, value in given.items() if name in wanted})
            finally:
                self.finish()

        run.__name__ = run.__qualname__ = listener.__name__  # Bolt reads the arguments to inject from this signature
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

        self._notifier.submit(run)

    def _admitted(self, context) -> bool:
        admitted = self.admit()
        if admitted:
            context[TICKET] = True
        return admitted


def _retry_number(headers: dict) -> int:
    values = headers.get("x-slack-retry-num") or ["0"]
    value = values[0] if isinstance(values, (list, tuple)) else values
    return int(value) if str(value).isdigit() else 0


def tell_busy(body: dict, client, respond) -> None:
    """A shed click: the busy text where the click's answer would have gone (only to them; the card stays)."""
    respond(text=BUSY, response_type="ephemeral", replace_original=False)
