"""A rendered message, and the posts it takes: at most 50 blocks and a bounded size each.

Renderers produce one `Rendered` of any size; `paginate` cuts it into parts Slack takes,
keeping each group of blocks (one card) in one part when it fits. The transforms here are
the fallbacks when Slack refuses a part: the same part without images, as plain text, or
in two halves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import Block

from adapters.slack.mrkdwn import clip
from adapters.slack.segments import split, width

# https://api.slack.com/reference/block-kit/blocks: "up to 50 blocks in each message".
MAX_BLOCKS = 50
# Slack caps a message's blocks as a whole too (msg_blocks_too_long) without publishing the number; 12,000
# characters is the limit it documents for markdown blocks in one payload, and a refused part is halved.
PART_WIDTH = 12_000
# https://api.slack.com/methods/chat.postMessage#truncating: text over 40,000 characters is cut by Slack.
TEXT_LIMIT = 40_000
HEAD_LIMIT = 300  # the `text` of a part holding only buttons: the message's first line


@dataclass(frozen=True)
class Rendered:
    """A message: mrkdwn `text` fallback, blocks, and where each group of blocks (a card) begins.

    Blocks arrive as slack_sdk models, which validate as they turn into JSON; they are turned
    into JSON here, once, so paging, measuring, the fallbacks and the post all share one copy
    (each `to_dict` of a pin card cost ~0.4 ms, and a post used to pay it three or four times).
    """

    text: str
    blocks: list = field(default_factory=list)
    starts: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if any(not isinstance(block, dict) for block in self.blocks):
            object.__setattr__(self, "blocks", [as_dict(block) for block in self.blocks])


def as_dict(block: Block | dict) -> dict:
    """A block as Slack's JSON."""
    return block if isinstance(block, dict) else block.to_dict()


def _texts(value: Any) -> list[str]:
    """Every text a person reads in some Block Kit JSON (mrkdwn and plain_text objects)."""
    if isinstance(value, dict):
        if "action_id" in value:  # buttons, menus: their labels are not what the message says
            return []
        own = [value["text"]] if value.get("type") in ("mrkdwn", "plain_text") and isinstance(value.get("text"), str) else []
        return own + [t for key, v in value.items() if key != "text" or not own for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def block_text(block: Block | dict) -> str:
    """What a block says, as one mrkdwn string (buttons' labels left out)."""
    data = as_dict(block)
    return "" if data.get("type") == "actions" else "\n".join(_texts(data))


def _groups(rendered: Rendered) -> list[list]:
    cuts = sorted({0, *rendered.starts, len(rendered.blocks)})
    return [rendered.blocks[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


def _pack(groups: list[list], budget: int, max_blocks: int) -> list[list]:
    """Groups into parts: a group that fits a part stays whole, a larger one goes block by block."""
    parts: list[list] = [[]]
    used = 0
    for group in groups:
        whole = len(group) <= max_blocks and sum(width(block_text(b)) for b in group) <= budget
        for unit in [group] if whole else [[block] for block in group]:
            size = sum(width(block_text(b)) for b in unit)
            if parts[-1] and (len(parts[-1]) + len(unit) > max_blocks or used + size > budget):
                parts.append([])
                used = 0
            parts[-1].extend(unit)
            used += size
    return [part for part in parts if part]


def part_text(blocks: list, head: str) -> str:
    """The `text` of one part: what its blocks say, else the message's first line."""
    said = "\n".join(t for t in (block_text(b) for b in blocks) if t)
    return said or clip(head.split("\n", 1)[0], HEAD_LIMIT) or " "


def paginate(rendered: Rendered, budget: int = PART_WIDTH, max_blocks: int = MAX_BLOCKS) -> list[Rendered]:
    """The posts a message takes; one part keeps the message's own text when it fits."""
    if not rendered.blocks:
        return [Rendered(piece) for piece in split(rendered.text, TEXT_LIMIT)] or [Rendered(" ")]
    parts = _pack(_groups(rendered), budget, max_blocks)
    if len(parts) == 1 and width(rendered.text) <= TEXT_LIMIT:
        return [Rendered(rendered.text, parts[0])]
    return [Rendered(part_text(blocks, rendered.text), blocks) for blocks in parts]


def _no_images(block: dict) -> dict | None:
    """A block without its pictures; None when nothing is left of it."""
    if block.get("type") == "image":
        return None
    if (block.get("accessory") or {}).get("type") == "image":
        block = {k: v for k, v in block.items() if k != "accessory"}
    if block.get("type") == "context":
        elements = [e for e in block.get("elements", []) if e.get("type") != "image"]
        return {**block, "elements": elements} if elements else None
    return block


def without_images(part: Rendered) -> Rendered | None:
    """The part with every image left out; None when it has none (the fallback would change nothing)."""
    before = [as_dict(b) for b in part.blocks]
    after = [b for b in (_no_images(b) for b in before) if b is not None]
    return None if after == before else Rendered(part.text, after)


def plain(part: Rendered) -> Rendered | None:
    """The part as text alone; None when it already is."""
    return Rendered(part.text or " ") if part.blocks else None


def halves(part: Rendered) -> list[Rendered]:
    """The part as two smaller posts; [] when it cannot be cut (one block, or a text of one atom)."""
    if len(part.blocks) > 1:
        middle = len(part.blocks) // 2
        return [Rendered(part_text(half, part.text), half) for half in (part.blocks[:middle], part.blocks[middle:])]
    if part.blocks:
        return []
    pieces = split(part.text, max(1, width(part.text) // 2 + 1))
    return [Rendered(piece) for piece in pieces] if len(pieces) > 1 else []
