"""A digest (F11) as one Slack message: unread lines grouped by conversation, Open and Mark all read."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block

from adapters.slack import cards
from adapters.slack.messages import Rendered, fallback, grouped
from adapters.slack.mrkdwn import escape
from adapters.slack.rich import filled
from core.i18n import slot, words
from core.results import Digest, DigestLine
from core.text import Text, tr, trn

MARK_ALL_READ = "digest_read_all"
MAX_CONVERSATIONS = 20  # a digest summarises: the rest is one line pointing at the inbox, which lists them all


def line_text(line: DigestLine) -> str:
    """One unread message in a digest, as mrkdwn: its sender, then the summary the inbox shows."""
    return f"*@{escape(line.sender)}*: {escape(line.summary)}"


def digest_head(total: int, conversations: int) -> Text:
    """"You have 3 unread messages in 2 conversations." """
    return tr("You have {messages} in {conversations}.",
              messages=trn("{n} unread message", "{n} unread messages", total),
              conversations=trn("{n} conversation", "{n} conversations", conversations))


def unread(count: int) -> Text:
    return trn("{n} unread", "{n} unread", count)


def digest_message(digest: Digest, command: str) -> Rendered:
    """The whole digest: a head line, each conversation with Open, and Mark all read."""
    conversations, total = list(digest.conversations), digest.total
    head = words(digest_head(total, len(conversations)))
    groups: list[list[Block]] = [cards.sections(f"*{head}*")]
    shown = conversations[:MAX_CONVERSATIONS]
    for conversation in shown:
        ref, count = conversation.ref, conversation.count
        lines = "\n".join(f"• {line_text(line)}" for line in conversation.lines)
        text = f"*{escape(ref)}* — {escape(words(unread(count)))}\n{lines}"
        groups.append(cards.sections(text, accessory=cards.button(tr("Open"), cards.OPEN_CONVERSATION, ref)))
    if len(conversations) > len(shown):
        more = filled(tr("…and {n} more — {command} lists them all.", n=len(conversations) - len(shown),
                         command=slot("c")), c=f"`{escape(command)} inbox`")
        groups.append(cards.context(more))
    refs = " ".join(c.ref for c in shown)  # 20 refs of ≤ 13 characters: far inside the value limit
    groups.append([ActionsBlock(elements=[cards.button(tr("Mark all read"), MARK_ALL_READ, refs)])])
    summary = "; ".join(f"{c.ref}: {words(unread(c.count))}" for c in shown)
    return grouped(fallback(f"{head} {summary}"), groups)
