"""Posting a message's parts one by one, with Slack's refusals turned into the next thing to try.

`post` sends one part and returns its id, or raises `Refused`. When Slack refuses a part's
blocks, the part goes again without images, then as plain text; when it calls a part too
long, the part goes as two halves. Any other refusal stops the run: what was posted and
what remains are handed back, so the caller can report it and carry on from there later.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from adapters.slack.errors import Refusal, Verdict
from adapters.slack.parts import Rendered, halves, plain, without_images

log = logging.getLogger(__name__)


class Refused(Exception):
    """Slack did not take a post; `refusal` says why."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.describe())
        self.refusal = refusal


@dataclass
class Progress:
    """What a run posted (ids in order), what it did not get to, and the refusal that stopped it."""

    posted: list[str] = field(default_factory=list)
    remaining: list[Rendered] = field(default_factory=list)
    refusal: Refusal | None = None


def fallback(part: Rendered, refusal: Refusal) -> list[Rendered] | None:
    """What to post instead of a refused part; None when nothing else would help."""
    if refusal.verdict is Verdict.BAD_BLOCKS:
        instead = without_images(part) or plain(part)
        return [instead] if instead is not None else None
    if refusal.verdict is Verdict.TOO_LONG:
        return halves(part) or None
    return None


def post_parts(parts: list[Rendered], post: Callable[[Rendered], str]) -> Progress:
    """Post every part in order, falling back as Slack asks; stops at the first refusal nothing fixes."""
    queue, progress = deque(parts), Progress()
    while queue:
        part = queue.popleft()
        try:
            progress.posted.append(post(part))
            continue
        except Refused as refused:
            found = refused.refusal
        instead = fallback(part, found)
        if instead is None:
            progress.remaining, progress.refusal = [part, *queue], found
            return progress
        log.info("slack refused a post (%s); sending it %s", found.error,
                 "in two halves" if found.verdict is Verdict.TOO_LONG else "with less markup")
        queue.extendleft(reversed(instead))
    return progress
