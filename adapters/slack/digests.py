"""A digest (F11) as one Slack message: unread lines grouped by conversation, Open and Mark all read."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block

from adapters.slack import cards
from adapters.slack.messages import Rendered, fallback, grouped
from adapters.slack.mrkdwn import escape
from core.results import Digest, DigestLine

MARK_ALL_READ = "digest_read_all"
MAX_CONVERSATIONS = 20  # a digest summarises: the rest is one line pointing at the inbox, which lists them all


def line_text(line: DigestLine) -> str:
    """One unread message in a digest, as mrkdwn: its sender, then the summary the inbox shows."""
    return f"*@{escape(line.sender)}*: {escape(line.summary)}"


def digest_message(digest: Digest, command: str) -> Rendered:
    """The whole digest: a head line, each conversation with Open, and Mark all read."""
    conversations, total = list(digest.conversations), digest.total
    head = f"You have {cards.plural(total, 'unread message')} in {cards.plural(len(conversations), 'conversation')}."
    groups: list[list[Block]] = [cards.sections(f"*{head}*")]
    shown = conversations[:MAX_CONVERSATIONS]
    for conversation in shown:
        ref, count = conversation.ref, conversation.count
        lines = "\n".join(f"• {line_text(line)}" for line in conversation.lines)
        text = f"*{escape(ref)}* — {count} unread\n{lines}"
        groups.append(cards.sections(text, accessory=cards.button("Open", cards.OPEN_CONVERSATION, ref)))
    if len(conversations) > len(shown):
        groups.append(cards.context(f"…and {len(conversations) - len(shown)} more — `{escape(command)} inbox` lists them all."))
    refs = " ".join(c.ref for c in shown)  # 20 refs of ≤ 13 characters: far inside the value limit
    groups.append([ActionsBlock(elements=[cards.button("Mark all read", MARK_ALL_READ, refs)])])
    summary = "; ".join(f"{c.ref}: {c.count} unread" for c in shown)
    return grouped(fallback(f"{head} {summary}"), groups)
