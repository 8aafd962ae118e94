"""Turning claimed deliveries into `Outgoing` views the platform senders render."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, selectinload

from core import conversations, edits, home, i18n, views
from core.deliveries import Claimed
from core.errors import DomainError
from core.models import Account, Block, Delivery, Message, Person, RemoteMessage, WithheldMessage
from core.ports import Copy, Outgoing
from core.results import Digest
from core.settings import CoreSettings


def build(session: Session, settings: CoreSettings, claimed: list[Claimed]) -> list[Outgoing]:
    """One Outgoing per claimed delivery, loading messages and participants in bulk."""
    deliveries = [c.delivery for c in claimed]
    message_ids = {d.message_id for d in deliveries if d.message_id}
    messages = {
        m.id: m for m in session.scalars(
            select(Message).where(Message.id.in_(message_ids)).options(selectinload(Message.sender))
        )
    } if message_ids else {}
    loaded = views.attachments(session, list(messages.values()))
    members = conversations.handles_by_conversation(session, {m.conversation_id for m in messages.values()})
    accounts = session.execute(select(Account.id, Account.team_id, Account.locale)
                               .where(Account.id.in_({d.account_id for d in deliveries}))).all()
    teams = {row.id: row.team_id for row in accounts}
    locales = {row.id: row.locale for row in accounts}  # each reader's platform language, for their copy
    readers = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_({d.person_id for d in deliveries})))}
    copies = _copies(session, [d for d in deliveries if d.copy_of])
    hidden = _hidden(session, [(d.person_id, messages[d.message_id]) for d in deliveries
                               if d.kind in ("message", "edit") and d.message_id in messages])
    built: dict[tuple, object] = {}  # one view per message; only a profile card depends on its reader
    result = []
    for d in deliveries:
        if d.kind == "home":  # a person's App Home, rendered as it is now (core/home.py)
            try:
                result.append(home.outgoing(session, settings, d))
            except DomainError as refusal:  # one page that cannot be built must not hold up the batch
                result.append(Outgoing(d.id, d.idempotency_key, d.platform, d.chat_id, "", d.kind,
                                       skip=f"the home page could not be built: {refusal.message}"[:300]))
            continue
        message = messages.get(d.message_id)
        view = None
        if message is not None and message.deleted_at is None:
            key = (message.id, d.person_id if message.kind == "profile" else None)
            if key not in built:
                built[key] = views.message_view(
                    session, settings, message, members.get(message.conversation_id, ()), readers.get(d.person_id), loaded,
                )
            view = built[key]
        outgoing = Outgoing(
            delivery_id=d.id, idempotency_key=d.idempotency_key, platform=d.platform, chat_id=d.chat_id,
            recipient_handle=readers[d.person_id].handle if d.person_id in readers else "",
            kind=d.kind, message=view, digest=Digest.from_payload(d.payload) if d.payload else None,
            team_id=teams.get(d.account_id),
            locale=i18n.pick(readers[d.person_id].language if d.person_id in readers else None, locales.get(d.account_id)),
        )
        if (d.person_id, d.message_id) in hidden:
            outgoing = replace(outgoing, skip="its reader blocks the sender now")
        elif d.kind in CHANGES or message:
            outgoing = _as_change(outgoing, message, copies.get(d.copy_of))
        result.append(outgoing)
    return result


def _hidden(session: Session, readers: list[tuple[int, Message]]) -> set[tuple[int, int]]:
    """(reader, message) pairs the reader may no longer see: they block its sender now, or it was withheld
    from them since it was queued (edited during their block). Nothing of it goes to them any more."""
    if not readers:
        return set()
    blocks = set(session.execute(select(Block.blocker_id, Block.blocked_id).where(
        tuple_(Block.blocker_id, Block.blocked_id).in_({(person, m.sender_id) for person, m in readers}))).all())
    hidden = {(person, m.id) for person, m in readers if (person, m.sender_id) in blocks}
    edited = {(m.id, person) for person, m in readers if m.edited_at is not None}
    if edited:  # withheld rows made after queueing come only from edits (core/edits.py)
        hidden |= {(person, message_id) for message_id, person in session.execute(
            select(WithheldMessage.message_id, WithheldMessage.person_id)
            .where(tuple_(WithheldMessage.message_id, WithheldMessage.person_id).in_(edited))).all()}
    return hidden


CHANGES = ("edit", "delete")


@dataclass(frozen=True)
class _CopyRow:
    status: str
    shown: str | None
    remote_ids: tuple[str, ...]


def _copies(session: Session, changes: list) -> dict[int, _CopyRow]:
    """The copies that edit and delete deliveries act on: their status, what they show, every part's id."""
    if not changes:
        return {}
    rows = session.execute(
        select(Delivery.id, Delivery.status, Delivery.shown, Delivery.message_id, Delivery.platform)
        .where(Delivery.id.in_({d.copy_of for d in changes}))
    ).all()
    chats = {d.copy_of: d.chat_id for d in changes}  # the change's own chat: it follows the chat if it moved
    parts = session.execute(
        select(RemoteMessage.message_id, RemoteMessage.platform, RemoteMessage.chat_id, RemoteMessage.remote_id)
        .where(RemoteMessage.message_id.in_({r.message_id for r in rows}))
        .order_by(RemoteMessage.id)
    ).all()
    found = {}
    for row in rows:
        ids = tuple(p.remote_id for p in parts
                    if p.message_id == row.message_id and p.platform == row.platform and p.chat_id == chats[row.id])
        found[row.id] = _CopyRow(row.status, row.shown, ids)
    return found


def _as_change(outgoing: Outgoing, message: Message | None, copy: _CopyRow | None) -> Outgoing:
    """A message, edit or delete delivery with what its copy shows; `skip` says when nothing needs sending."""
    if outgoing.kind == "message":
        if message.deleted_at is not None:
            return replace(outgoing, skip="the message was deleted before it went out")
        return replace(outgoing, shown=edits.shown(message.text))
    if copy is None or copy.status != "sent" or not copy.remote_ids:
        return replace(outgoing, skip="its copy was never delivered")
    target = Copy(outgoing.chat_id, copy.remote_ids)
    if outgoing.kind == "delete":
        return replace(outgoing, copy=target)
    if message is None or message.deleted_at is not None:
        return replace(outgoing, skip="the message was deleted")
    digest = edits.shown(message.text)
    if digest == copy.shown:
        return replace(outgoing, skip="the copy shows this text already")
    return replace(outgoing, copy=target, shown=digest)
