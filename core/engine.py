"""The engine's front: adapters call these with who is speaking and what they said.

Every call is one transaction. Domain errors become `Reply(ok=False)` and change
nothing; anything else is a bug and propagates.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core import conversations, deliveries, digests, edits, gestures, i18n, media, operations, people, refreshes, refs, views
from core import search as search_service
from core.clock import utcnow
from core.commands import Context, account, dispatch, messaging, pinning
from core.db import reading, transaction
from core.home import HomeView, home_view
from core.errors import DomainError, InvalidInput
from core.grammar import parse, person_ref
from core.inserts import insert_if_absent
from core.models import Account, Person, RemoteMessage
from core.results import BoardRow, Digest, PersonRow, Reply, error
from core.settings import CoreSettings
from core.text import tr, trn

log = logging.getLogger(__name__)
T = TypeVar("T")


def _language(ctx: Context) -> str:
    return i18n.language_of(ctx.person, people.speaking_account(ctx.session, ctx.person))


def in_language(reply: Reply, code: str) -> Reply:
    """The reply read in one language, and marked with it (for the adapter's own words around it)."""
    return dataclasses.replace(reply, body=i18n.localized(reply.body, code), locale=code)


class Engine:
    """Pinbridge's use cases, bound to a session factory and the deployment's rules."""

    def __init__(self, sessions: sessionmaker[Session], settings: CoreSettings):
        self.sessions = sessions
        self.settings = settings

    def _unit(self, identity: people.Identity, work: Callable[[Context], T], others: Sequence[people.Identity] = (),
              source: tuple[str, str] | None = None) -> T:
        # One retry: a concurrent first contact can lose a unique-key race (same handle).
        for attempt in (1, 2):
            try:
                with transaction(self.sessions) as session:
                    self._known_platform(identity)
                    person = people.resolve(session, identity)
                    for other in others:  # people the platform told us about (mentions), known before parsing
                        people.resolve(session, other, speaking=False)
                    return work(Context(session, self.settings, person, identity.platform, identity.external_id, source))
            except IntegrityError:
                if attempt == 2:
                    raise
                log.info("retrying after a unique-key race")
        raise AssertionError("unreachable")

    def _known_platform(self, identity: people.Identity) -> None:
        if self.settings.platforms and identity.platform not in self.settings.platform_names:
            raise InvalidInput(f"Unknown platform {identity.platform!r}.")

    def run(self, identity: people.Identity, text: str, mentioned: Sequence[people.Identity] = ()) -> Reply:
        """Run one command line of SPEC §2 for this person; `mentioned` people are registered in the same transaction."""
        return self._guarded(
            identity, lambda ctx: dispatch(ctx, parse(text, self.settings.max_command_length, self.settings.platforms)),
            mentioned,
        )

    def send(self, identity: people.Identity, pin: str, recipients: list[str], message: str = "") -> Reply:
        """`send` from a form's separate fields (a modal, a picker): the message is never read as people."""
        found = [person_ref(r, self.settings.platforms) for r in recipients]
        if not found or any(r is None for r in found):
            return in_language(error(tr("Name the people as @handle, like @bob.")), i18n.pick(None, identity.locale))
        return self._guarded(identity, lambda ctx: messaging.send(ctx, pin, found, message))

    def save(self, identity: people.Identity, pin: str, board: str | None = None) -> Reply:
        """A Save button or picker: a pin to the default board, or to the one named; never parsed as a command."""
        return self._guarded(identity, lambda ctx: pinning.save(ctx, pin, board or None))

    def open_conversation(self, identity: people.Identity, conversation_ref: str) -> Reply:
        """An Open button: the conversation's latest messages, which are then read."""
        return self._guarded(identity, lambda ctx: messaging.read(ctx, conversation_ref))

    def ensure(self, identity: people.Identity) -> str:
        """Register (or refresh) a platform account; returns the person's handle."""
        return self._unit(identity, lambda ctx: ctx.person.handle)

    def new_board(self, identity: people.Identity, name: str, secret: bool = False) -> Reply:
        """A form's New board: the name as typed, never parsed (a board called "Top secret" stays public)."""
        return self._guarded(identity, lambda ctx: pinning.board_new(ctx, name, secret))

    def open_home(self, identity: people.Identity) -> HomeView:
        """The person is looking at their App Home: it is refreshed from now on, and here is how it looks now."""

        def work(ctx: Context) -> HomeView:
            refreshes.opened(ctx.session, ctx.account, utcnow())
            return home_view(ctx.session, ctx.settings, ctx.person, ctx.account)

        return self._unit(identity, work)

    def _guarded(
        self, identity: people.Identity, work: Callable[[Context], Reply], others: Sequence[people.Identity] = (),
        source: tuple[str, str] | None = None,
    ) -> Reply:
        # Every answer reads in the asker's language: the one they have after the command (`language de`
        # answers in German), or, when it fails and changes nothing, the one they had before it.
        spoken = [i18n.pick(None, identity.locale)]

        def answered(ctx: Context) -> Reply:
            spoken[0] = _language(ctx)
            reply = work(ctx)
            return reply if reply is None else in_language(reply, _language(ctx))

        try:
            return self._unit(identity, answered, others, source)
        except DomainError as exc:
            return in_language(error(exc.text), spoken[0])

    def language(self, identity: people.Identity) -> str:
        """The language a person reads, for an adapter's own words outside any answer (a form, a notice):
        their choice, else the locale their platform tells now, else the one it told before."""
        with reading(self.sessions) as session:
            found = session.execute(
                select(Person.language, Account.locale).join(Account, Account.person_id == Person.id)
                .where(Account.platform == identity.platform, Account.external_id == identity.external_id)
            ).first()
        return i18n.pick(found.language if found else None, identity.locale or (found.locale if found else None))

    def first_time(self, source: str, key: str) -> bool:
        """Record an inbound event id (own transaction); False for a platform retry."""
        with transaction(self.sessions) as session:
            return operations.first_time(session, source, key)

    def remember(self, platform: str, chat_id: str, remote_id: str, conversation_ref: str) -> None:
        """Map a bot message (e.g. a reply card) to its conversation, so replies to it route."""
        conversation_id = refs.parse(conversation_ref, "c")
        with transaction(self.sessions) as session:
            insert_if_absent(session, RemoteMessage, {
                "platform": platform, "chat_id": str(chat_id), "remote_id": str(remote_id),
                "conversation_id": conversation_id, "message_id": None, "created_at": utcnow(),
            })

    def mark_unreachable(self, platform: str, team_id: str | None) -> int:
        """A workspace removed the app (or revoked its token): its accounts stop receiving, their deliveries fail."""
        with transaction(self.sessions) as session:
            return deliveries.mark_unreachable(session, platform, team_id, utcnow())

    def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> None:
        """A chat got a new id (a group that became a bigger kind of group): everything kept for it follows."""
        with transaction(self.sessions) as session:
            deliveries.move_chat(session, platform, str(old_chat_id), str(new_chat_id), utcnow())

    def conversation_of(self, platform: str, chat_id: str, remote_id: str) -> str | None:
        """The conversation a platform message belongs to (`c3`), if Pinbridge sent it."""
        with reading(self.sessions) as session:
            conversation_id = session.scalar(
                select(RemoteMessage.conversation_id).where(
                    RemoteMessage.platform == platform, RemoteMessage.chat_id == str(chat_id),
                    RemoteMessage.remote_id == str(remote_id),
                )
            )
        return refs.conversation_ref(conversation_id) if conversation_id else None

    def reply_to_remote(self, identity: people.Identity, chat_id: str, remote_id: str, text: str,
                        source: tuple[str, str] | None = None) -> Reply | None:
        """A platform reply to one of our messages goes into its conversation; None if unmapped.

        `source`: (chat id, message id) of the reply itself, so its later edits and deletes follow it.
        """
        ref = self.conversation_of(identity.platform, chat_id, remote_id)
        if ref is None:
            return None

        def work(ctx: Context) -> Reply:
            reply = messaging.reply(ctx, ref, text)
            # Answering a Reply prompt by replying to it settles that pending reply too.
            gestures.cancel_reply(ctx.session, identity.platform, identity.external_id, refs.parse(ref, "c"))
            return reply

        return self._guarded(identity, work, source=source)

    def contacts(self, identity: people.Identity) -> list[PersonRow]:
        """People this person can message (for pickers)."""
        return self._unit(identity, lambda ctx: list(account.contacts(ctx).items))

    def boards(self, identity: people.Identity) -> list[BoardRow]:
        """This person's boards (for the save picker)."""
        return self._unit(identity, lambda ctx: list(pinning.boards(ctx).items))

    def action_key(self, payload: dict) -> str:
        """Store a button's action and return its short opaque key."""
        with transaction(self.sessions) as session:
            return gestures.store_action(session, payload)

    def action(self, key: str) -> dict | None:
        """The action behind a button key; None when forged or expired."""
        with reading(self.sessions) as session:
            return gestures.load_action(session, key)

    def await_reply(self, identity: people.Identity, conversation_ref: str, ttl_seconds: int = 600) -> Reply:
        """The Reply button: the person's next plain text goes to this conversation."""

        def work(ctx: Context) -> Reply:
            found, _ = conversations.membership(ctx.session, ctx.person, conversation_ref)
            gestures.await_reply(ctx.session, identity.platform, identity.external_id, found.id, ttl_seconds)
            ref = refs.conversation_ref(found.id)
            return Reply(tr("Type your reply to {conversation} (or /cancel).", conversation=ref), conversation_ref=ref)

        return self._guarded(identity, work)

    def reply(self, identity: people.Identity, conversation_ref: str, text: str) -> Reply:
        """Post text into a conversation (a Reply modal, a thread): the text is never parsed as a command."""
        return self._guarded(identity, lambda ctx: messaging.reply(ctx, conversation_ref, text))

    def reply_pending(self, identity: people.Identity, text: str, source: tuple[str, str] | None = None) -> Reply | None:
        """Text after a Reply button goes to that conversation; None when no reply is awaited.

        Taking the pending reply and posting are one transaction: a refused text (too long,
        say) leaves the reply still awaited, so the person can simply try again.
        """

        def work(ctx: Context) -> Reply | None:
            ref = gestures.take_reply(ctx.session, identity.platform, identity.external_id)
            return None if ref is None else messaging.reply(ctx, ref, text)

        return self._guarded(identity, work, source=source)

    def edit_remote(self, identity: people.Identity, chat_id: str, remote_id: str, text: str,
                    when: object = None) -> Reply | None:
        """The platform says this person edited one of their messages: it changes everywhere.

        `when`: the platform's time of the edit (seconds), so an older edit handed over late loses.
        None when there is nothing to do (not a conversation message of theirs, the same text, an
        older edit); an error Reply when the edit is refused (too long, empty), so the adapter can say why.
        """

        def work(ctx: Context) -> Reply | None:
            change = edits.edit(ctx.session, ctx.settings, ctx.account, chat_id, remote_id, text, utcnow(),
                                edits.stamp(when) if when is not None else None)
            return None if change is None else Reply(tr("Edited in {conversation}.",
                                                         conversation=refs.conversation_ref(change.conversation_id)))

        return self._guarded(identity, work)

    def delete_remote(self, identity: people.Identity, chat_id: str, remote_id: str) -> bool:
        """The platform says this person deleted one of their messages: its copies go too. False if unknown."""
        return self._unit(identity, lambda ctx: edits.delete(ctx.session, ctx.account, chat_id, remote_id, utcnow())
                          is not None)

    def delete_asked(self, identity: people.Identity, chat_id: str, remote_id: str | None) -> Reply:
        """`/delete` in reply to one's own message (for platforms that tell bots of no deletes): it goes everywhere."""

        def work(ctx: Context) -> Reply:
            change = edits.delete_asked(ctx.session, ctx.account, chat_id, remote_id, utcnow())
            ref = refs.conversation_ref(change.conversation_id)
            return Reply(tr("Deleted your message from {conversation} for everyone.", conversation=ref), conversation_ref=ref)

        return self._guarded(identity, work)

    def pin_link(self, identity: people.Identity, url: str, description: str = "", title: str | None = None) -> Reply:
        """A link shared with the bot becomes a pin (as `new`), the words around it its description."""
        return self._guarded(identity, lambda ctx: pinning.capture(ctx, url, description, title))

    def pin_picture(self, identity: people.Identity, key: str, mime: str, caption: str = "",
                    source: str | None = None, size: tuple[int, int] | None = None, on_board: bool = True) -> Reply:
        """A picture someone shared, already kept (bridge.media): an image pin, on the default board unless
        `on_board` is False (it came from a private conversation)."""
        return self._guarded(identity, lambda ctx: pinning.picture(ctx, key, mime, caption, source, size, on_board))

    def uploaded(self, platform: str, source: str) -> str | None:
        """A platform's own id for a file sent to it from `source` before (a picture), or None."""
        with reading(self.sessions) as session:
            return media.uploaded(session, platform, source)

    def remember_upload(self, platform: str, source: str, remote_id: str | None) -> None:
        """Note (or, with None, forget) the platform's id for a file sent from `source`."""
        with transaction(self.sessions) as session:
            if remote_id:
                media.remember_upload(session, platform, source, remote_id)
            else:
                media.forget_upload(session, platform, source)

    def cancel_reply(self, identity: people.Identity) -> bool:
        """Forget a pending reply."""
        with transaction(self.sessions) as session:
            return gestures.cancel_reply(session, identity.platform, identity.external_id)

    def search_pins(self, identity: people.Identity, words: str, offset: int = 0, limit: int = 10) -> Reply:
        """One page of pin search (inline mode): `items` are PinCards; bad words give ok=False."""

        def work(ctx: Context) -> Reply:
            found = search_service.search(ctx.session, ctx.person, words, limit=limit, offset=offset)
            return Reply(f"{len(found)} pins", items=tuple(views.pin_card(ctx.settings, p) for p in found))

        return self._guarded(identity, work)

    def mark_all_read(self, identity: people.Identity, conversation_refs: list[str]) -> Reply:
        """A digest's "Mark all read": the conversations it listed, in one transaction, for every platform."""

        def work(ctx: Context) -> Reply:
            found = [conversations.membership(ctx.session, ctx.person, ref)[0] for ref in dict.fromkeys(conversation_refs)]
            for conversation in found:
                conversations.mark_read(ctx.session, ctx.person, conversation)
            refs_text = ", ".join(refs.conversation_ref(c.id) for c in found)
            return Reply(tr("Marked {conversations} read.", conversations=refs_text) if found else tr("Nothing to mark read."))

        return self._guarded(identity, work)

    def digest_preview(self, handle: str) -> Digest | None:
        """What a person's digest would hold right now (None when nothing is unread)."""
        with reading(self.sessions) as session:
            person = people.by_handle(session, handle)
            summary = digests.unread_summaries(session, [person.id]).get(person.id)
        return Digest.from_payload({"handle": person.handle, "period": "now", **summary}) if summary else None

    def confirm_link(self, identity: people.Identity, token: str) -> Reply:
        """The Confirm button of a link prompt, pressed by the account that typed the code."""
        return self._guarded(identity, lambda ctx: account.confirm_link(ctx, token))

    def decline_link(self, identity: people.Identity, token: str) -> Reply:
        """The Cancel button of a link prompt."""
        return self._guarded(identity, lambda ctx: account.decline_link(ctx, token))

    def mark_read(self, identity: people.Identity, conversation_ref: str) -> Reply:
        """The Mark read button: clear unread without showing history."""

        def work(ctx: Context) -> Reply:
            found, _ = conversations.membership(ctx.session, ctx.person, conversation_ref)
            count = conversations.mark_read(ctx.session, ctx.person, found)
            return Reply(trn("Marked {conversation} read ({n} message).", "Marked {conversation} read ({n} messages).", count,
                             conversation=refs.conversation_ref(found.id)))

        return self._guarded(identity, work)
