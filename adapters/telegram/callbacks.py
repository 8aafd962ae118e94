"""Inline buttons: Save, Reply, Send (the contact picker), Mark read, Open, Mark all read.

Every callback query is answered exactly once, also when its data is forged, malformed or
stale or a step fails, so the client never shows an endless spinner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from adapters.telegram import keyboard, outbound
from adapters.telegram.accounts import identity_of
from adapters.telegram.cards import shorten
from adapters.telegram.chunks import TEXT_LIMIT, split_first
from adapters.telegram.errors import Kind, classify
from adapters.telegram.rich import html, plain
from adapters.telegram.render import (
    Outbound,
    picker_outbound,
    prompt_outbound,
    reply_outbound,
)
from core.engine import Engine
from core.i18n import localized, pick, speaking
from core.people import Identity
from core.text import Text, tr

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
ANSWER_LIMIT = 200  # Telegram's limit for a callback answer's text
STALE = tr("This button has expired or isn't one of mine. Send the command again.")
PICKER_GONE = tr("This picker is too old to change — tap Send on the pin again.")
FAILED = tr("Something went wrong — please try again.")


@dataclass(frozen=True)
class Toast:
    """How a button press is answered: a short notice, or an alert the user must dismiss."""

    text: str | Text | None = None  # Text: the adapter's own words, read in the presser's language
    alert: bool = False


class NoPrivateChat(Exception):
    """The user never opened a private chat with the bot, so it cannot write to them."""


@dataclass(frozen=True)
class Press:
    """One button press, resolved: the query, who pressed and the action."""

    query: CallbackQuery
    context: Context
    identity: Identity
    action: dict


@dataclass
class Buttons:
    """The callback-query handler, bound to the engine."""

    engine: Engine

    def install(self, application: Application) -> None:
        """Register the one CallbackQueryHandler."""
        application.add_handler(CallbackQueryHandler(self.pressed))

    async def pressed(self, update: Update, context: Context) -> None:
        """Resolve the key, run the action, answer the query (always)."""
        query = update.callback_query
        if query is None:
            return
        try:
            toast = await self._act(query, context)
        except NoPrivateChat:
            toast = Toast(tr("Open a private chat with {bot} first (tap Start), then try again.",
                             bot=f"@{context.bot.username}"), True)
        except Exception:
            with contextlib.suppress(TelegramError):  # no database here: the app's language alone
                await query.answer(str(localized(FAILED, pick(None, query.from_user.language_code))), show_alert=True)
            raise
        if isinstance(toast.text, Text):
            chat = query.message.chat if query.message is not None else None
            code = await asyncio.to_thread(self.engine.language, identity_of(query.from_user, chat))
            toast = Toast(str(localized(toast.text, code)), toast.alert)
        text = shorten(toast.text, ANSWER_LIMIT) if toast.text else None
        await query.answer(text, show_alert=toast.alert)

    async def _act(self, query: CallbackQuery, context: Context) -> Toast:
        action = keyboard.action_of(query.data)
        if action is None and keyboard.stored_ref(query.data) is not None:
            action = await asyncio.to_thread(self._stored, query.data)
        route = ROUTES.get(str(action.get("a"))) if action is not None else None
        if route is None:
            return Toast(STALE, alert=True)
        chat = query.message.chat if query.message is not None else None
        return await route(self, Press(query, context, identity_of(query.from_user, chat), action))

    def _stored(self, data: str) -> dict | None:
        """The action behind a `<key>:<index>` button (blocking); None when forged or expired."""
        key, index = keyboard.stored_ref(data)
        stored = self.engine.action(key)
        actions = stored.get("buttons") if isinstance(stored, dict) else None
        if not isinstance(actions, list) or index >= len(actions) or not isinstance(actions[index], dict):
            return None
        return actions[index]

    async def _private(self, press: Press, answer: Outbound) -> None:
        """Write to the presser's private chat (a button may sit in a group or an inline message)."""
        try:
            await outbound.post(self.engine, press.context.bot, press.query.from_user.id, answer)
        except TelegramError as error:
            if classify(error).kind is Kind.UNREACHABLE:
                raise NoPrivateChat() from error
            raise

    async def save(self, press: Press) -> Toast:
        reply = await asyncio.to_thread(self.engine.save, press.identity, press.action["pin"])
        return Toast(plain(reply.body), alert=not reply.ok)

    async def reply(self, press: Press) -> Toast:
        reply = await asyncio.to_thread(self.engine.await_reply, press.identity, str(press.action["c"]))
        if not reply.ok:
            return Toast(plain(reply.body), alert=True)
        await self._private(press, prompt_outbound(reply))
        return Toast(tr("Type your reply to {conversation}.", conversation=reply.conversation_ref))

    async def send(self, press: Press) -> Toast:
        contacts = await asyncio.to_thread(self.engine.contacts, press.identity)
        if not contacts:
            return Toast(tr("No contacts yet. Follow people with /follow @handle; "
                            "when they follow you back they show up here."), alert=True)
        with speaking(await asyncio.to_thread(self.engine.language, press.identity)):
            picker = picker_outbound(str(press.action["pin"]), contacts)
        await self._private(press, picker)
        return Toast(tr("Tap the people to send it to, then Send."))

    async def pick(self, press: Press) -> Toast:
        message = press.query.message
        if message is None or not message.is_accessible or message.reply_markup is None:
            return Toast(PICKER_GONE, alert=True)
        await outbound.edit_markup(press.query, keyboard.toggled(message.reply_markup, press.query.data))
        return Toast()

    async def confirm(self, press: Press) -> Toast:
        message = press.query.message
        if message is None or not message.is_accessible or message.reply_markup is None:
            return Toast(PICKER_GONE, alert=True)
        handles = keyboard.checked(message.reply_markup)
        if not handles:
            return Toast(tr("Tap at least one person first."))
        recipients = ["@" + handle for handle in handles]
        reply = await asyncio.to_thread(self.engine.send, press.identity, str(press.action["pin"]), recipients)
        if not reply.ok:
            return Toast(plain(reply.body), alert=True)
        shown, _ = split_first(f"✅ {html(reply.body)}", TEXT_LIMIT)
        await outbound.edit_text(press.query, shown)
        if reply.conversation_ref:
            await asyncio.to_thread(outbound.remember, self.engine, [message], reply.conversation_ref)
        return Toast(tr("Sent!"))

    async def close(self, press: Press) -> Toast:
        if press.query.message is not None and press.query.message.is_accessible:
            code = await asyncio.to_thread(self.engine.language, press.identity)
            await outbound.edit_text(press.query, str(localized(tr("Cancelled."), code)))
        return Toast()

    async def seen(self, press: Press) -> Toast:
        reply = await asyncio.to_thread(self.engine.mark_read, press.identity, str(press.action["c"]))
        return Toast(plain(reply.body), alert=not reply.ok)

    async def seen_all(self, press: Press) -> Toast:
        refs = [str(ref) for ref in press.action.get("cs") or ()]
        reply = await asyncio.to_thread(self.engine.mark_all_read, press.identity, refs)
        return Toast(plain(reply.body), alert=not reply.ok)

    async def open(self, press: Press) -> Toast:
        reply = await asyncio.to_thread(self.engine.open_conversation, press.identity, press.action["c"])
        if not reply.ok:
            return Toast(plain(reply.body), alert=True)
        await self._private(press, reply_outbound(reply))
        return Toast()

    async def link(self, press: Press) -> Toast:
        """Yes or Cancel on a link request, from the account that typed the code; the answer replaces the question."""
        decide = self.engine.confirm_link if press.action["a"] == "linkok" else self.engine.decline_link
        reply = await asyncio.to_thread(decide, press.identity, str(press.action["token"]))
        message = press.query.message
        if reply.ok and message is not None and message.is_accessible:
            shown, _ = split_first(html(reply.body), TEXT_LIMIT)
            await outbound.edit_text(press.query, shown)
            return Toast()
        return Toast(plain(reply.body), alert=not reply.ok)


ROUTES = {
    "save": Buttons.save, "reply": Buttons.reply, "send": Buttons.send, "pick": Buttons.pick,
    "confirm": Buttons.confirm, "close": Buttons.close, "seen": Buttons.seen, "seen_all": Buttons.seen_all,
    "open": Buttons.open, "linkok": Buttons.link, "linkno": Buttons.link,
}
