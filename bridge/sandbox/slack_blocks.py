"""Block Kit as Slack checks it: explicit limits first, then slack_sdk.models' own validators.

Pure: blocks in, Slack-worded messages out ("must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
the wording Slack puts in `errors` and, prefixed "[ERROR] ", in response_metadata.messages). The wordings are
Slack's own as seen in real answers: "must be less than N characters" and "failed to match all allowed schemas"
(metabase/metabase#74943), "no more than N items allowed" (adobe/spacecat-api-service#176), "downloading image
failed" (slackapi/python-slack-sdk#1782), "must provide an object/array" (slackapi/java-slack-sdk#853).
"""

from __future__ import annotations

import re
from typing import Any, Callable

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block

ImageType = Callable[[str], "str | None"]

# https://api.slack.com/reference/block-kit/composition-objects#text: text "Minimum 1, maximum 3000 characters".
TEXT_LIMIT = 3000
# Text objects by field: (block or element type, field) -> maximum characters of its `text`.
TEXT_FIELDS = {
    ("header", "text"): 150,  # https://api.slack.com/reference/block-kit/blocks#header
    ("button", "text"): 75,  # https://api.slack.com/reference/block-kit/block-elements#button
    ("image", "title"): 2000,  # https://api.slack.com/reference/block-kit/blocks#image
    ("input", "label"): 2000,  # https://api.slack.com/reference/block-kit/blocks#input
    ("input", "hint"): 2000,
    ("confirm", "title"): 100,  # https://api.slack.com/reference/block-kit/composition-objects#confirm
    ("confirm", "text"): 300,
    ("confirm", "confirm"): 30,
    ("confirm", "deny"): 30,
    ("option", "text"): 75,  # https://api.slack.com/reference/block-kit/composition-objects#option
    ("option", "description"): 75,
    ("option_group", "label"): 75,
}
# Plain strings: (type, field) -> maximum characters.
STRING_FIELDS = {
    ("*", "block_id"): 255,  # https://api.slack.com/reference/block-kit/blocks (every block)
    ("*", "action_id"): 255,  # https://api.slack.com/reference/block-kit/block-elements (every element)
    ("button", "value"): 2000,  # https://api.slack.com/reference/block-kit/block-elements#button
    ("button", "url"): 3000,
    ("image", "image_url"): 3000,  # https://api.slack.com/reference/block-kit/blocks#image
    ("image", "alt_text"): 2000,
    ("option", "value"): 150,  # https://api.slack.com/reference/block-kit/composition-objects#option
    ("option", "url"): 3000,
}
# Arrays: (type, field) -> maximum items.
ARRAY_FIELDS = {
    ("section", "fields"): 10,  # https://api.slack.com/reference/block-kit/blocks#section
    ("context", "elements"): 10,  # https://api.slack.com/reference/block-kit/blocks#context
    ("actions", "elements"): 25,  # https://api.slack.com/reference/block-kit/blocks#actions
    ("*", "options"): 100,  # https://api.slack.com/reference/block-kit/block-elements#static_select
    ("*", "option_groups"): 100,
    ("overflow", "options"): 5,  # https://api.slack.com/reference/block-kit/block-elements#overflow
}
# https://api.slack.com/reference/block-kit/blocks#section: each of `fields` "maximum length ... is 2000".
SECTION_FIELD_LIMIT = 2000
# Required fields Slack names in "missing required field: <name>".
REQUIRED = {
    "image": ("alt_text",),  # https://api.slack.com/reference/block-kit/blocks#image (and the element)
    "button": ("text",),  # https://api.slack.com/reference/block-kit/block-elements#button
    "header": ("text",),
    "actions": ("elements",),
    "context": ("elements",),
}
# https://api.slack.com/reference/block-kit/blocks#image: "png, jpg, jpeg, or gif".
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})
MISSING_ARGUMENT = re.compile(r"required keyword-only argument: '(\w+)'")


def _kind(node: dict[str, Any], parent_field: str) -> str:
    """A node's type; composition objects without one are named by where they sit."""
    if "type" in node:
        return str(node["type"])
    if parent_field in ("options", "initial_option", "initial_options") or {"text", "value"} <= node.keys():
        return "option"
    if parent_field == "option_groups":
        return "option_group"
    return parent_field


def _limit(table: dict[tuple[str, str], int], kind: str, field: str) -> int | None:
    return table.get((kind, field), table.get(("*", field)))


class _Walk:
    """One pass over a surface's blocks, collecting Slack-worded errors."""

    def __init__(self, image_type: ImageType) -> None:
        self.errors: list[str] = []
        self.image_type = image_type

    def add(self, message: str, pointer: str) -> None:
        self.errors.append(f"{message} [json-pointer:{pointer}]")

    def text_object(self, value: Any, pointer: str, limit: int) -> None:
        if not isinstance(value, dict) or not isinstance(value.get("text"), str):
            return
        # composition-objects#text: "Minimum 1, maximum 3000 characters" (less for some fields); Slack reports
        # the text object (plain_text or mrkdwn) first, then the field itself.
        if not value["text"]:
            self.add("failed to match all allowed schemas", pointer)
            self.add("must be more than 0 characters", f"{pointer}/text")
        elif len(value["text"]) > limit:
            self.add("failed to match all allowed schemas", pointer)
            self.add(f"must be less than {limit + 1} characters", f"{pointer}/text")

    def node(self, node: dict[str, Any], pointer: str, parent_field: str = "") -> None:
        kind = _kind(node, parent_field)
        for field in REQUIRED.get(kind, ()):
            if node.get(field) in (None, "", []):
                self.add(f"missing required field: {field}", pointer)
        if kind == "image" and not node.get("image_url") and not node.get("slack_file"):
            self.add("missing required field: image_url", pointer)
        image_url = node.get("image_url")
        if kind == "image" and isinstance(image_url, str) and self.image_type(image_url) not in (None, *IMAGE_TYPES):
            # Slack fetches the image and refuses other formats (WebP: slackapi/node-slack-sdk#1482).
            self.add("downloading image failed", f"{pointer}/image_url")
        for field, value in node.items():
            child = f"{pointer}/{field}"
            text_limit = _limit(TEXT_FIELDS, kind, field)
            if text_limit is not None and isinstance(value, dict):
                self.text_object(value, child, text_limit)
                continue
            string_limit = _limit(STRING_FIELDS, kind, field)
            if string_limit is not None and isinstance(value, str) and len(value) > string_limit:
                self.add(f"must be less than {string_limit + 1} characters", child)
            items = _limit(ARRAY_FIELDS, kind, field)
            if items is not None and isinstance(value, list) and len(value) > items:
                self.add(f"no more than {items} items allowed", child)
            self.children(kind, field, value, child)

    def children(self, kind: str, field: str, value: Any, pointer: str) -> None:
        if isinstance(value, dict):
            if value.get("type") in ("plain_text", "mrkdwn"):
                self.text_object(value, pointer, TEXT_LIMIT)
            else:
                self.node(value, pointer, field)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if kind == "section" and field == "fields" and isinstance(item, dict):
                    self.text_object(item, f"{pointer}/{i}", SECTION_FIELD_LIMIT)
                elif isinstance(item, dict):
                    self.children(kind, field, item, f"{pointer}/{i}")

    def unique_ids(self, blocks: list[Any], pointer: str) -> None:
        """block_id unique per surface; action_id unique within a block."""
        seen_blocks: set[str] = set()
        for i, block in enumerate(blocks):
            if not isinstance(block, dict):
                continue
            block_id = block.get("block_id")
            if block_id and block_id in seen_blocks:
                # https://api.slack.com/reference/block-kit/blocks: block_id "should be unique for each message".
                self.add("duplicate block_id", f"{pointer}/{i}/block_id")
            if block_id:
                seen_blocks.add(block_id)
            elements = [*block.get("elements", []), *([block["accessory"]] if isinstance(block.get("accessory"), dict) else [])]
            seen_actions: set[str] = set()
            for j, element in enumerate(elements):
                action_id = element.get("action_id") if isinstance(element, dict) else None
                if action_id and action_id in seen_actions:
                    # block-elements: action_id "should be unique among all other action_ids in the containing block".
                    self.add("duplicate action_id", f"{pointer}/{i}/elements/{j}/action_id")
                if action_id:
                    seen_actions.add(action_id)


def _sdk_errors(obj: Any, pointer: str) -> list[str]:
    """slack_sdk.models' validators on an object and every object nested in it."""
    errors: list[str] = []
    if isinstance(obj, JsonObject):
        try:
            obj.validate_json()
        except SlackObjectFormationError as error:
            errors.append(f"{error} [json-pointer:{pointer}]")
        for name in sorted(obj.attributes):
            errors += _sdk_errors(getattr(obj, name, None), f"{pointer}/{name}")
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            errors += _sdk_errors(item, f"{pointer}/{i}")
    return errors


def _parsed(block: Any, pointer: str) -> tuple[Block | None, list[str]]:
    """The slack_sdk model of a block dict, or why it is not one."""
    if not isinstance(block, dict) or "type" not in block:
        return None, [f"must provide an object [json-pointer:{pointer}]"]
    try:
        parsed = Block.parse(block)
    except TypeError as error:
        missing = MISSING_ARGUMENT.search(str(error))
        name = missing.group(1) if missing else "field"
        return None, [f"missing required field: {name} [json-pointer:{pointer}]"]
    if parsed is None:
        return None, [f"failed to match all allowed schemas [json-pointer:{pointer}]"]
    return parsed, []


def block_errors(blocks: Any, pointer: str, max_blocks: int, image_type: ImageType) -> list[str]:
    """Every reason Slack would refuse `blocks` on a surface holding at most `max_blocks`."""
    if not isinstance(blocks, list):
        return [f"must provide an array [json-pointer:{pointer}]"]
    walk = _Walk(image_type)
    if len(blocks) > max_blocks:
        walk.add(f"no more than {max_blocks} items allowed", pointer)
    for i, block in enumerate(blocks):
        if isinstance(block, dict):
            walk.node(block, f"{pointer}/{i}")
    walk.unique_ids(blocks, pointer)
    if walk.errors:
        return walk.errors
    errors: list[str] = []
    for i, block in enumerate(blocks):
        parsed, problems = _parsed(block, f"{pointer}/{i}")
        errors += problems or _sdk_errors(parsed, f"{pointer}/{i}")
    return errors
