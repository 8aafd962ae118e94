"""Edits and deletes of a copy already delivered: chat.update each of its posts in place, or chat.delete them.

An edited message is rendered and paginated exactly as it was posted (parts.py), so its
posts line up with the copy's; each is updated in place (`chat.update` with channel and ts,
api.slack.com/methods/chat.update — a bot may update its own messages). Fewer posts than the
copy had: the extra ones are deleted; more: the last is cut to fit, ending in "…". A post
already gone counts as deleted (`message_not_found`), so a retried delete carries on.
"""

from __future__ import annotations

import dataclasses

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack.messages import Rendered
from adapters.slack.parts import paginate
from core.ports import Copy

MORE = "…"


def fitted(parts: list[Rendered], count: int) -> list[Rendered]:
    """The posts cut to `count`; the last kept ends in "…" and carries the last one's buttons."""
    if len(parts) <= count:
        return parts
    kept = parts[:count]
    last, final = kept[-1], parts[-1]
    tail = [block for block in final.blocks if _is_actions(block)]
    kept[-1] = dataclasses.replace(last, text=last.text + MORE, blocks=[*last.blocks, *tail])
    return kept


def _is_actions(block) -> bool:
    kind = block.get("type") if isinstance(block, dict) else getattr(block, "type", None)
    return kind == "actions"


def edit(client: WebClient, copy: Copy, rendered: Rendered, token: str | None) -> tuple[str, ...]:
    """Update the copy's posts to `rendered`; returns the ids of the posts it took away. Slack's refusals
    propagate (the sender classifies them)."""
    extra = {"token": token} if token else {}
    parts = fitted(paginate(rendered), len(copy.remote_ids))
    for ts, part in zip(copy.remote_ids, parts):
        client.chat_update(channel=copy.chat_id, ts=ts, text=part.text, blocks=part.blocks or [], **extra)
    return delete(client, Copy(copy.chat_id, copy.remote_ids[len(parts):]), token)


def delete(client: WebClient, copy: Copy, token: str | None) -> tuple[str, ...]:
    """Delete every post of the copy (one already gone is skipped; other refusals propagate); returns their ids."""
    extra = {"token": token} if token else {}
    for ts in copy.remote_ids:
        try:
            client.chat_delete(channel=copy.chat_id, ts=ts, **extra)
        except SlackApiError as exc:
            if exc.response.get("error") != "message_not_found":
                raise
    return copy.remote_ids
