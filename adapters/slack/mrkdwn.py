"""Slack mrkdwn text: escaping what users typed, links, and Slack's length limits."""

from __future__ import annotations

import re


ELLIPSIS = "…"
# Slack's own markup arrives inside <…>: links, user and channel mentions, special words. Inside
# <…> Slack never sends a raw < or > (they arrive as &lt; &gt;), so every pattern stops at the
# next "<": no input makes one rescan the rest of the text, and matching stays linear.
_LINK = re.compile(r"<((?:https?|mailto):[^|<>\s]+)(?:\|([^<>]*))?>")
# A person: <@U123> or <@U123|name>. The core reads commands with this same pattern (PlatformInfo.mention),
# so a message shows as a name exactly what a command reads as a person.
MENTION = re.compile(r"<@([UW][A-Z0-9]{1,20})(?:\|[^<>]*)?>")
_CHANNEL = re.compile(r"<#(C[A-Z0-9]{1,20})(?:\|([^<>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^<>]*)?>")
# Slack escapes &, < and > as entities, so raw text is at most this many times its decoded length.
ESCAPE_FACTOR = 5


def escape(text: str) -> str:
    """User content made inert for mrkdwn: `&`, `<` and `>` become entities (Slack's rule)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack's entities back to characters (inbound text arrives escaped)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + ELLIPSIS


def link(url: str, label: str) -> str:
    """A mrkdwn link whose label is escaped and whose URL cannot break out of the <…>."""
    safe_url = escape(url).replace("|", "%7C")
    safe_label = escape(label).replace("|", "¦") or safe_url
    return f"<{safe_url}|{safe_label}>"


def command_text(text: str) -> str:
    """Slash-command or DM text for the core grammar: links unwrapped, mentions kept, entities decoded."""
    unwrapped = _LINK.sub(lambda m: m.group(1), text or "")
    return unescape(unwrapped).strip()


def _mention_name(mention: re.Match) -> str:
    """`<@U1|bob>` as `@bob`, `<@U1>` as `@U1` (the pattern captures only the id)."""
    _, _, label = mention.group(0)[2:-1].partition("|")
    return "@" + (label or mention.group(1))


def message_text(text: str) -> str:
    """Free text a person wrote, as plain text another platform can show."""
    plain = _LINK.sub(lambda m: m.group(1) if not m.group(2) or m.group(2) in m.group(1) else f"{m.group(2)} ({m.group(1)})", text or "")
    plain = MENTION.sub(_mention_name, plain)
    plain = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), plain)
    plain = _SPECIAL.sub(lambda m: "@" + m.group(1), plain)
    return unescape(plain).strip()


def links_and_words(text: str) -> tuple[list[str], str]:
    """The http(s) links of a message as Slack marks them (<url> or <url|label>), in order and once each, and the
    rest of its text as plain words (labels kept, mentions as names)."""
    links = []
    for found in _LINK.finditer(text or ""):
        url = unescape(found.group(1))
        if url.lower().startswith(("http://", "https://")) and url not in links:
            links.append(url)
    words = message_text(_LINK.sub(lambda m: f" {m.group(2) or ''} ", text or ""))
    return links, " ".join(words.split())
