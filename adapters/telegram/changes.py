"""Edits and deletes of a copy already delivered: the same parts, changed in place, or removed.

An edited message is rendered again and planned into parts exactly as it was sent (parts.py),
then each part of the copy is edited in place: editMessageText, or editMessageCaption for a
photo's caption, with its buttons again (an edit without reply_markup drops the inline
keyboard, core.telegram.org/bots/api#editmessagetext). A part Telegram says "is not modified"
already shows it, so it counts as done: a retry after a partial edit simply carries on. An edit
that needs fewer parts deletes the copy's extra ones; one that needs more is cut to the parts
the copy has, ending in "…" (a copy's ids are what replies map back through).
"""

from __future__ import annotations

import dataclasses

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest

from adapters.telegram.errors import Kind, classify
from adapters.telegram.parts import NO_PREVIEW, Markup, Part, plan
from adapters.telegram.render import Outbound

MORE = "…"


def fitted(planned: list[Part], count: int) -> list[Part]:
    """The planned parts cut to `count`: the last one kept ends in "…" and carries the buttons."""
    if len(planned) <= count:
        return planned
    kept = planned[:count]
    kept[-1] = dataclasses.replace(kept[-1], html=kept[-1].html + MORE, markup=planned[-1].markup)
    return kept


async def edit(bot: Bot, chat_id: str, remote_ids: tuple[str, ...], rendered: Outbound, markup: Markup) -> int:
    """Edit the copy's parts into `rendered`; returns how many calls changed something. Raises on a refusal."""
    planned = fitted(plan(rendered, markup), len(remote_ids))
    changed = 0
    for message_id, part in zip(remote_ids, planned):
        try:
            await _edit_part(bot, chat_id, int(message_id), part)
            changed += 1
        except BadRequest as error:
            if classify(error).kind is not Kind.NOT_MODIFIED:
                raise
    for message_id in remote_ids[len(planned):]:
        await delete_part(bot, chat_id, message_id)
    return changed


async def _edit_part(bot: Bot, chat_id: str, message_id: int, part: Part) -> None:
    if part.photo:
        await bot.edit_message_caption(chat_id, message_id, caption=part.html, parse_mode=ParseMode.HTML,
                                       reply_markup=part.markup)
    else:
        await bot.edit_message_text(part.html, chat_id, message_id, parse_mode=ParseMode.HTML,
                                    link_preview_options=NO_PREVIEW, reply_markup=part.markup)


async def delete(bot: Bot, chat_id: str, remote_ids: tuple[str, ...]) -> None:
    """Remove every part of a copy; a part already gone counts as removed."""
    for message_id in remote_ids:
        await delete_part(bot, chat_id, message_id)


async def delete_part(bot: Bot, chat_id: str, message_id: str) -> None:
    try:
        await bot.delete_message(chat_id, int(message_id))
    except BadRequest as error:
        # "message to delete not found": the person (or Telegram) removed it already; nothing is left to do.
        if "message to delete not found" not in error.message.lower():
            raise
