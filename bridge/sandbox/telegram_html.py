"""Telegram's parse_mode=HTML parser, as TDLib (which the Bot API server runs) implements it.

A single left-to-right pass over the UTF-8 bytes (byte offsets in errors, UTF-16 offsets in
entities, like Telegram). Pure: text in, (visible text, entities) or HtmlError out.
Source: tdlib/td td/telegram/MessageEntity.cpp, parse_html() and decode_html_entity();
the accepted tags are listed at https://core.telegram.org/bots/api#html-style
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# https://core.telegram.org/bots/api#html-style (TDLib's list in parse_html()).
TAGS = frozenset({
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji", "span",
    "pre", "code", "blockquote",
})
ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "span": "spoiler",
}
# TDLib only knows these four named character references; any other "&name;" stays literal text.
NAMED = {b"lt": ord("<"), b"gt": ord(">"), b"amp": ord("&"), b"quot": ord('"')}
SPACES = b" \t\r\n\0\v"  # td::is_space(); the terminating NUL counts as a space, as in C
MAX_CODE_POINT = 0x10FFFF


class HtmlError(ValueError):
    """Text TDLib refuses to parse; str() is TDLib's own message (the Bot API prefixes it)."""


@dataclass
class _Open:
    tag: str
    argument: str
    utf16_offset: int
    result_pos: int


def _is_alnum(byte: int) -> bool:
    return chr(byte).isascii() and chr(byte).isalnum()


def decode_entity(data: bytes, pos: int) -> tuple[int, int]:
    """(code point, position after it) for a character reference at data[pos] == '&', or (0, pos)."""
    end = pos + 1
    code = 0
    if data[end:end + 1] == b"#":
        end += 1
        hexadecimal = data[end:end + 1] == b"x"
        end += hexadecimal
        digits = b"0123456789abcdefABCDEF" if hexadecimal else b"0123456789"
        while data[end] in digits:
            code = code * (16 if hexadecimal else 10) + int(chr(data[end]), 16)
            end += 1
            if code >= MAX_CODE_POINT:
                break
        if code == 0 or code >= MAX_CODE_POINT or end - pos >= 10:
            return 0, pos
    else:
        while chr(data[end]).isascii() and chr(data[end]).isalpha():
            end += 1
        code = NAMED.get(data[pos + 1:end], 0)
        if code == 0:
            return 0, pos
    return code, end + 1 if data[end:end + 1] == b";" else end


def _utf16_units(byte: int) -> int:
    """UTF-16 units a UTF-8 byte starts: 0 for continuation bytes, 2 for 4-byte sequences."""
    if byte & 0xC0 == 0x80:
        return 0
    return 2 if byte >= 0xF0 else 1


def _skip(data: bytes, i: int, spaces: bool) -> int:
    """The first index from i whose byte is (spaces=False) or is not (spaces=True) a space."""
    while (data[i] in SPACES and data[i] != 0) if spaces else (data[i] not in SPACES and data[i] != ord(">")):
        i += 1
    return i


def _attribute_value(data: bytes, i: int) -> tuple[str, int, int | None]:
    """(value, next index, error offset) of an attribute value: a quoted string or a name token."""
    if data[i] not in b"'\"":
        # A name token (letters, digits, periods, hyphens), not case sensitive.
        start = i
        while _is_alnum(data[i]) or data[i] in b".-":
            i += 1
        value = data[start:i].decode("ascii").lower()
        return value, i, None if data[i] in SPACES or data[i] == ord(">") else start
    quote, i = data[i], i + 1
    out = bytearray()
    while data[i] != quote and data[i] != 0:
        if data[i] == ord("&"):
            code, after = decode_entity(data, i)
            if code:
                out += chr(code).encode("utf-8", "surrogatepass")
                i = after
                continue
        out.append(data[i])
        i += 1
    if data[i] == quote:
        i += 1
    return out.decode("utf-8", "replace"), i, None


def _start_tag(data: bytes, begin: int, utf16: int, result_pos: int) -> tuple[_Open, int]:
    """Parse "<tag attr=...>" starting at data[begin]; returns the open tag and the index of its '>'."""
    i = _skip(data, begin + 1, spaces=False)
    if data[i] == 0:
        raise HtmlError(f"Unclosed start tag at byte offset {begin}")
    tag = data[begin + 1:i].decode("utf-8", "replace").lower()
    if tag not in TAGS:
        raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {begin}')
    opened = _Open(tag, "", utf16, result_pos)
    while data[i] != ord(">"):
        i = _skip(data, i, spaces=True)
        if data[i] == ord(">"):
            break
        name_start = i
        # Newer TDLib ends a name at '>' too, so that a bare <blockquote expandable> parses.
        while data[i] not in SPACES and data[i] not in b"=>":
            i += 1
        name = data[name_start:i].decode("utf-8", "replace")
        if not name:
            raise HtmlError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        i = _skip(data, i, spaces=True)
        if data[i] != ord("="):
            # Bot API 7.3: <blockquote expandable> takes no value.
            if tag == "blockquote" and name == "expandable":
                opened.argument = "expandable"
                continue
            raise HtmlError(f'Expected equal sign in declaration of an attribute of the tag "{tag}" at byte offset {begin}')
        i = _skip(data, i + 1, spaces=True)
        if data[i] == 0:
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        value, i, bad_token = _attribute_value(data, i)
        if bad_token is not None:
            raise HtmlError(f"Unexpected end of name token at byte offset {bad_token}")
        if data[i] == 0:
            raise HtmlError(f"Unclosed start tag at byte offset {begin}")
        if tag == "a" and name == "href":
            opened.argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            opened.argument = value[len("language-"):]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            opened.argument = value[len("tg-"):]
        elif tag == "tg-emoji" and name == "emoji-id":
            opened.argument = value
    if tag == "span" and opened.argument != "spoiler":
        raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    return opened, i


def _entity(opened: _Open, length: int, result: bytearray, entities: list[dict[str, Any]]) -> None:
    """Append the entity a closed tag makes (TDLib merges <pre><code class=...> into one pre)."""
    tag, offset = opened.tag, opened.utf16_offset
    entity: dict[str, Any] = {"offset": offset, "length": length}
    if tag in ENTITY_TYPES:
        entity["type"] = ENTITY_TYPES[tag]
    elif tag == "tg-emoji":
        if not (opened.argument.isdigit() and int(opened.argument) > 0):
            raise HtmlError("Invalid custom emoji identifier specified")
        entity.update(type="custom_emoji", custom_emoji_id=opened.argument)
    elif tag == "a":
        url = opened.argument or result[opened.result_pos:].decode("utf-8", "replace")
        entity.update(type="text_link", url=url)
    elif tag == "blockquote":
        entity["type"] = "expandable_blockquote" if opened.argument else "blockquote"
    else:
        last = entities[-1] if entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        if tag == "code" and same_span and last["type"] == "pre" and opened.argument:
            last["language"] = opened.argument
            return
        if tag == "pre" and same_span and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
            return
        entity["type"] = tag
        if tag == "code" and opened.argument:
            entity["language"] = opened.argument
    entities.append(entity)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """The visible text and MessageEntity dicts of `text` in parse_mode HTML; raises HtmlError."""
    data = text.encode("utf-8", "surrogatepass") + b"\0"
    size = len(data) - 1
    result = bytearray()
    entities: list[dict[str, Any]] = []
    stack: list[_Open] = []
    utf16 = 0
    i = 0
    while i < size:
        c = data[i]
        if c == ord("&"):
            code, after = decode_entity(data, i)
            if code:
                if 0xD800 <= code <= 0xDFFF:
                    raise HtmlError("Text contains invalid Unicode characters after decoding HTML entities, "
                                    "check for unmatched surrogate code units")
                utf16 += 2 if code > 0xFFFF else 1
                result += chr(code).encode("utf-8")
                i = after
                continue
        if c != ord("<"):
            utf16 += _utf16_units(c)
            result.append(c)
            i += 1
            continue
        begin = i
        if data[i + 1] != ord("/"):
            opened, i = _start_tag(data, begin, utf16, len(result))
            stack.append(opened)
            i += 1
            continue
        if not stack:
            raise HtmlError(f"Unexpected end tag at byte offset {begin}")
        i = _skip(data, begin + 2, spaces=False)
        end_tag = data[begin + 2:i].decode("utf-8", "replace").lower()
        i = _skip(data, i, spaces=True)
        if data[i] != ord(">"):
            raise HtmlError(f"Unclosed end tag at byte offset {begin}")
        opened = stack[-1]
        if end_tag and end_tag != opened.tag:
            raise HtmlError(f'Unmatched end tag at byte offset {begin}, expected "</{opened.tag}>", found "</{end_tag}>"')
        if utf16 > opened.utf16_offset:
            _entity(opened, utf16 - opened.utf16_offset, result, entities)
        stack.pop()
        i += 1
    if stack:
        # Newer Bot API servers quote the tag name; TDLib 1.8.x printed it bare.
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return result.decode("utf-8", "replace"), entities
