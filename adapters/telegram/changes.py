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


async def edit(bot: Bot, chat_id: str, remote_ids: tuple[str, ...], rendered: Outbound, markup: Markup,
               tombstone: str) -> tuple[str, ...]:
    """Edit the copy's parts into `rendered`; returns the ids of the parts it took away. Raises on a refusal."""
    planned = fitted(plan(rendered, markup), len(remote_ids))
    for message_id, part in zip(remote_ids, planned):
        try:
            await _edit_part(bot, chat_id, int(message_id), part)
        except BadRequest as error:
            if classify(error).kind is not Kind.NOT_MODIFIED:
                raise
    extra = remote_ids[len(planned):]
    await delete(bot, chat_id, extra, tombstone)
    return extra


async def _edit_part(bot: Bot, chat_id: str, message_id: int, part: Part) -> None:
    if part.photo:
        await bot.edit_message_caption(chat_id, message_id, caption=part.html, parse_mode=ParseMode.HTML,
                                       reply_markup=part.markup)
    else:
        await bot.edit_message_text(part.html, chat_id, message_id, parse_mode=ParseMode.HTML,
                                    link_preview_options=NO_PREVIEW, reply_markup=part.markup)


async def delete(bot: Bot, chat_id: str, remote_ids: tuple[str, ...], tombstone: str) -> tuple[str, ...]:
    """Remove every part of a copy (a part already gone counts as removed); returns their ids."""
    for message_id in remote_ids:
        await delete_part(bot, chat_id, message_id, tombstone)
    return remote_ids


async def delete_part(bot: Bot, chat_id: str, message_id: str, tombstone: str) -> None:
    """Delete one part; one older than Telegram lets a bot delete is emptied to `tombstone` instead."""
    try:
        await bot.delete_message(chat_id, int(message_id))
    except BadRequest as error:
        text = error.message.lower()
        # "message to delete not found": the person (or Telegram) removed it already; nothing is left to do.
        if "message to delete not found" in text:
            return
        # deleteMessage: "A message can only be deleted if it was sent less than 48 hours ago" — "message can't
        # be deleted"; a bot may still edit its own messages, so the copy keeps nothing of what was said.
        if "message can't be deleted" not in text:
            raise
        await _tombstone(bot, chat_id, int(message_id), tombstone)


async def _tombstone(bot: Bot, chat_id: str, message_id: int, tombstone: str) -> None:
    try:
        await bot.edit_message_text(tombstone, chat_id, message_id, parse_mode=ParseMode.HTML, reply_markup=None)
    except BadRequest as error:
        if "there is no text in the message to edit" not in error.message.lower():
            if classify(error).kind is Kind.NOT_MODIFIED:
                return
            raise
        await bot.edit_message_caption(chat_id, message_id, caption=tombstone, parse_mode=ParseMode.HTML)
