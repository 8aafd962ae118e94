"""Bot commands and plain text: every grammar word through the engine, /cancel, replies, Reply-then-text."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType, MessageOriginType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.telegram import outbound
from adapters.telegram.accounts import identity_of
from adapters.telegram.cards import esc
from adapters.telegram.errors import Kind, classify
from adapters.telegram.render import Outbound, reply_outbound, text_outbound
from core.engine import Engine
from core.errors import InvalidInput
from core.pictures import DECODING_AT_ONCE
from core.grammar import WORDS
from core.i18n import localized
from core.text import Text, tr

log = logging.getLogger(__name__)
HINT = tr("To talk in a conversation, reply to one of my messages or tap its ↩️ Reply button. "
          "Commands start with / — try /help.")
NOT_TEXT = tr("I read text messages, links and pictures, not this kind of message. Try /help to see what I can do.")
MESSAGES = filters.UpdateType.MESSAGE  # never edited messages: an edit must not run a command twice
Context = ContextTypes.DEFAULT_TYPE


MAX_LINKS = 3  # links made pins from one message: a pasted list of fifty is not fifty cards
MAX_PICTURE_BYTES = 20 * 1024 * 1024  # getFile: "bots can download files of up to 20MB in size"
PICTURE_THREADS = ThreadPoolExecutor(DECODING_AT_ONCE, thread_name_prefix="telegram-pictures")


def shared_links(message: Message, caption: bool = False) -> tuple[list[str], str] | None:
    """The links in a message's text (or caption), as Telegram's own parser marked them (no pattern of ours reads
    the text), and the words around them; None when there are none."""
    kinds = [MessageEntity.URL, MessageEntity.TEXT_LINK]
    found = message.parse_caption_entities(kinds) if caption else message.parse_entities(kinds)
    if not found:
        return None
    urls, words = [], (message.caption if caption else message.text) or ""
    for entity, text in sorted(found.items(), key=lambda item: item[0].offset):
        url = entity.url if entity.type == MessageEntity.TEXT_LINK else text
        if entity.type == MessageEntity.URL:
            words = words.replace(text, " ", 1)
            if "://" not in url:
                url = "https://" + url  # Telegram marks example.com/x as a link too
        if url not in urls:
            urls.append(url)
    return urls, " ".join(words.split())


def origin_name(message: Message) -> str | None:
    """Who or where a forwarded message came from (its MessageOrigin), as people would name it."""
    origin = message.forward_origin
    if origin is None:
        return None
    if origin.type == MessageOriginType.CHANNEL:
        return f"@{origin.chat.username}" if origin.chat.username else origin.chat.title
    if origin.type == MessageOriginType.CHAT:
        return f"@{origin.sender_chat.username}" if origin.sender_chat.username else origin.sender_chat.title
    if origin.type == MessageOriginType.USER:
        return f"@{origin.sender_user.username}" if origin.sender_user.username else origin.sender_user.full_name
    return origin.sender_user_name  # a person who hides their account: the name they show


def forwarded_post(message: Message) -> tuple[list[str], str] | None:
    """A forwarded post of a public channel: its own link (https://t.me/<channel>/<post>) and its text; else None."""
    origin = message.forward_origin
    if origin is None or origin.type != MessageOriginType.CHANNEL or not origin.chat.username:
        return None
    return [f"https://t.me/{origin.chat.username}/{origin.message_id}"], " ".join((message.text or "").split())


def with_origin(message: Message, words: str, pinned: list[str] = ()) -> str:
    """A description that names where a forwarded message came from, and links its post when that is public
    (and is not what is being pinned already)."""
    name = origin_name(message)
    if not name:
        return words
    post = forwarded_post(message)
    where = f"{name}: {post[0][0]}" if post and post[0][0] not in pinned else name
    return " ".join(part for part in (words, f"(forwarded from {where})") if part)


def split_command(text: str, bot_username: str | None) -> tuple[str, str, bool] | None:
    """('send', 'p1 to @bob', addressed) from '/send@bot p1 to @bob'; None when meant for another bot."""
    if not text.startswith("/"):
        return None
    parts = text.split(maxsplit=1)
    name, _, target = parts[0][1:].partition("@")
    if target and (not bot_username or target.lower() != bot_username.lower()):
        return None
    return name.lower(), parts[1] if len(parts) > 1 else "", bool(target)


@dataclass
class Commands:
    """Callbacks for commands and text messages, bound to the engine."""

    engine: Engine
    pictures: object = None  # bridge.media.Pictures: pictures people send become pins
    photo_ids: object = None  # photos.PhotoIds: pictures Telegram holds are sent by their file_id

    def install(self, application: Application) -> None:
        """Register the handlers (group 0, in order of precedence)."""
        application.add_handler(CommandHandler(list(WORDS), self.command, filters=MESSAGES))
        application.add_handler(CommandHandler("cancel", self.cancel, filters=MESSAGES))
        application.add_handler(MessageHandler(filters.COMMAND & MESSAGES, self.command))
        private = filters.ChatType.PRIVATE & MESSAGES
        application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, self.text))
        if self.pictures is not None:
            application.add_handler(MessageHandler(private & (filters.PHOTO | filters.Document.IMAGE), self.picture))
        application.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, self.not_text))

    async def command(self, update: Update, context: Context) -> None:
        """Any /word: the grammar answers (unknown words get the help text)."""
        message, user = update.message, update.effective_user
        if message is None or user is None or user.is_bot or not message.text:
            return
        parsed = split_command(message.text, context.bot.username)
        if parsed is None:
            return
        word, rest, addressed = parsed
        if message.chat.type != ChatType.PRIVATE and word not in WORDS and not addressed:
            return  # an unknown /command in a group is probably another bot's
        identity = identity_of(user, message.chat)
        reply = await asyncio.to_thread(self.engine.run, identity, f"{word} {rest}".strip())
        await self.answer(message, context, reply_outbound(reply), public=reply.shared)  # the rest could show a group something private

    async def cancel(self, update: Update, context: Context) -> None:
        """/cancel: forget a pending Reply."""
        message, user = update.message, update.effective_user
        if message is None or user is None:
            return
        cancelled = await asyncio.to_thread(self.engine.cancel_reply, identity_of(user, message.chat))
        text = tr("Cancelled — your next message won't go to a conversation.") if cancelled else tr("Nothing to cancel.")
        await self.answer(message, context, await self.said(message, text), public=True)

    async def text(self, update: Update, context: Context) -> None:
        """Plain text in a private chat: a reply to one of ours, the text a Reply button waits for, or links to pin."""
        message, user = update.message, update.effective_user
        if message is None or user is None or message.text is None:
            return
        identity = identity_of(user, message.chat)
        replied = message.reply_to_message
        source = (str(message.chat.id), str(message.message_id))  # its edits and /delete follow it
        reply = None
        if replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id:
            reply = await asyncio.to_thread(
                self.engine.reply_to_remote, identity, str(message.chat.id), str(replied.message_id), message.text,
                source,
            )
        if reply is None:
            reply = await asyncio.to_thread(self.engine.reply_pending, identity, message.text, source)
        if reply is None and (links := shared_links(message) or forwarded_post(message)):
            await self.pin_links(message, context, identity, links)
            return
        await self.answer(message, context, reply_outbound(reply) if reply is not None else await self.said(message, HINT))

    async def pin_links(self, message: Message, context: Context, identity, links: tuple[list[str], str]) -> None:
        """Links sent to the bot: a pin and its card for each (up to MAX_LINKS), the other words their description."""
        urls, words = links
        words = with_origin(message, words, pinned=urls)
        origin = message.forward_origin
        # A channel's post pinned as itself is titled by its channel, not by its t.me address.
        title = origin.chat.title if forwarded_post(message) and urls == forwarded_post(message)[0] else None
        for url in urls[:MAX_LINKS]:
            reply = await asyncio.to_thread(self.engine.pin_link, identity, url, words, title)
            await self.answer(message, context, reply_outbound(reply))
        if len(urls) > MAX_LINKS:
            await self.answer(message, context, await self.said(message, tr(
                "I pinned the first {n} links; send the others on their own, or with /new.", n=MAX_LINKS)))

    async def picture(self, update: Update, context: Context) -> None:
        """A photo, or an image sent as a file: fetched from Telegram once, kept, and made an image pin."""
        message, user = update.message, update.effective_user
        if message is None or user is None:
            return
        sent = message.photo[-1] if message.photo else message.document  # the largest size Telegram made
        if sent.file_size and sent.file_size > MAX_PICTURE_BYTES:
            await self.answer(message, context, await self.said(message, tr(
                "That picture is too large ({size} MB; the limit is {limit} MB).", size=sent.file_size // (1024 * 1024),
                limit=MAX_PICTURE_BYTES // (1024 * 1024))))
            return
        try:
            data = bytes(await (await context.bot.get_file(sent.file_id)).download_as_bytearray())
            # On the pictures' own threads: decoding waits there, never in the pool every engine call shares.
            kept = await asyncio.get_running_loop().run_in_executor(PICTURE_THREADS, self.pictures.keep, data)
        except InvalidInput as refusal:
            await self.answer(message, context, await self.said(message, refusal.text, ok=False))
            return
        except TelegramError as error:  # getFile refused it (too big, gone): say so rather than nothing
            log.info("could not fetch a picture from telegram (%s)", error.message)
            await self.answer(message, context, await self.said(
                message, tr("I couldn't fetch that picture from Telegram — send it again?"), ok=False))
            return
        except Exception as exc:  # noqa: BLE001 - the picture store is down (disk, S3): said, not silent
            log.warning("could not keep a picture: %s", type(exc).__name__)
            await self.answer(message, context, await self.said(
                message, tr("I couldn't keep that picture just now — send it again in a while?"), ok=False))
            return
        caption, links = message.caption or "", shared_links(message, caption=True)
        if links:
            caption = links[1] if "\n" not in caption else caption  # the link is the source, not the title
        post = forwarded_post(message)
        source = links[0][0] if links else post[0][0] if post else None
        if message.forward_origin is not None:
            first, _, rest = caption.partition("\n")
            caption = f"{first}\n{with_origin(message, rest, pinned=[source] if source else [])}"
        reply = await asyncio.to_thread(
            self.engine.pin_picture, identity_of(user, message.chat), kept.key, kept.mime, caption, source,
            (kept.width, kept.height),
        )
        await self.answer(message, context, reply_outbound(reply))

    async def not_text(self, update: Update, context: Context) -> None:
        """Photos, stickers, voice… in a private chat get a hint instead of silence."""
        if update.message is not None:
            await self.answer(update.message, context, await self.said(update.message, NOT_TEXT))

    async def said(self, message: Message, text: Text, ok: bool = True) -> Outbound:
        """A notice of the adapter's own, in the language of whoever sent `message`."""
        user = message.from_user
        code = await asyncio.to_thread(self.engine.language, identity_of(user, message.chat)) if user else None
        return text_outbound(str(localized(text, code)), ok)

    async def answer(self, message: Message, context: Context, answer: Outbound, public: bool = False) -> None:
        """Answer where it is safe: in the chat if private (or public), else privately with a note."""
        chat, user = message.chat, message.from_user
        # In a forum supergroup, the answer goes to the topic it was asked in (General has no thread id).
        topic = message.message_thread_id if message.is_topic_message else None
        if chat.type == ChatType.PRIVATE or public or user is None:
            reply_to = None if chat.type == ChatType.PRIVATE else message.message_id
            await self._post_unless_unreachable(context, chat.id, answer, reply_to, topic)
            return
        code = await asyncio.to_thread(self.engine.language, identity_of(user, chat))
        if await self._post_unless_unreachable(context, user.id, answer):
            note = tr("{name}, I answered you in our private chat.", name=user.first_name)
        else:
            note = tr("{name}, start a private chat with me first: {link}", name=user.first_name,
                      link=f"https://t.me/{context.bot.username}")
        note = esc(str(localized(note, code)))
        await self._post_unless_unreachable(context, chat.id, Outbound(note), message.message_id, topic)

    async def _post_unless_unreachable(
        self, context: Context, chat_id: int, answer: Outbound, reply_to: int | None = None, topic: int | None = None,
    ) -> bool:
        """Post an answer; False (logged, not raised) when the bot may not write to that chat."""
        try:
            await outbound.post(self.engine, context.bot, chat_id, answer, reply_to=reply_to, photo_ids=self.photo_ids,
                                thread_id=topic)
        except TelegramError as error:
            if classify(error).kind is not Kind.UNREACHABLE:
                raise
            log.info("telegram chat %s cannot be answered (%s)", chat_id, error.message)
            return False
        return True
