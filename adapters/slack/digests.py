"""A digest (F11) as one Slack message: unread lines grouped by conversation, Open and Mark all read."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block

from adapters.slack import cards
from adapters.slack.messages import Rendered, fallback, grouped
from adapters.slack.mrkdwn import clip, escape

MARK_ALL_READ = "digest_read_all"
MAX_CONVERSATIONS = 20  # a digest summarises: the rest is one line pointing at the inbox, which lists them all


def line_text(line: dict) -> str:
    """One unread message in a digest, as mrkdwn."""
    sender = f"*@{escape(str(line.get('sender') or '?'))}*"
    text = escape(clip(str(line.get("text") or ""), 200))
    if line.get("pin_ref"):
        title = escape(clip(str(line.get("pin_title") or ""), 100))
        return f"{sender} sent *{line['pin_ref']}* “{title}” {text}".rstrip()
    if line.get("kind") in ("board", "profile"):
        return f"{sender} shared a {line['kind']} {text}".rstrip()
    return f"{sender}: {text}"


def digest_message(payload: dict) -> Rendered:
    """The whole digest: a head line, each conversation with Open, and Mark all read."""
    conversations = list(payload.get("conversations") or [])
    total = int(payload.get("total") or 0)
    head = f"You have {cards.plural(total, 'unread message')} in {cards.plural(len(conversations), 'conversation')}."
    groups: list[list[Block]] = [cards.sections(f"*{head}*")]
    shown = conversations[:MAX_CONVERSATIONS]
    for conversation in shown:
        ref, count = str(conversation.get("ref")), int(conversation.get("count") or 0)
        lines = "\n".join(f"• {line_text(line)}" for line in conversation.get("lines") or [])
        text = f"*{escape(ref)}* — {count} unread\n{lines}"
        groups.append(cards.sections(text, accessory=cards.button("Open", cards.OPEN_CONVERSATION, ref)))
    if len(conversations) > len(shown):
        groups.append(cards.context(f"…and {len(conversations) - len(shown)} more — the `inbox` command lists them all."))
    refs = " ".join(str(c.get("ref")) for c in shown)  # 20 refs of ≤ 13 characters: far inside the value limit
    groups.append([ActionsBlock(elements=[cards.button("Mark all read", MARK_ALL_READ, refs)])])
    summary = "; ".join(f"{c.get('ref')}: {c.get('count')} unread" for c in shown)
    return grouped(fallback(f"{head} {summary}"), groups)
