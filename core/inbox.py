"""The inbox (F10): a person's conversations with unread counts, in three queries."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import conversations, i18n, people, refs, views
from core.visibility import unread_by, visible_to
from core.models import Message, Participant, Person
from core.results import ConversationRow

PAGE = 20


def rows(session: Session, person: Person, limit: int = PAGE, code: str | None = None) -> list[ConversationRow]:
    """Newest first by what the reader can see; dismissed conversations stay hidden until a new message arrives.

    `participants` are the other people, in joining order: the reader knows they are in it. The last
    lines read in `code` (the reader's language, by default the one they speak on the account in use).
    """
    code = code or i18n.language_of(person, people.speaking_account(session, person))
    unread = (
        select(func.count(Message.id))
        .where(
            Message.conversation_id == Participant.conversation_id,
            unread_by(person.id, Participant.last_read_id),
        )
        .correlate(Participant)
        .scalar_subquery()
    )
    mine = _listed(person, unread.label("unread"))
    page = session.execute(
        select(mine.c.conversation_id, mine.c.last_id, mine.c.unread).order_by(mine.c.last_id.desc()).limit(limit)
    ).all()
    members = conversations.handles_by_conversation(session, [r.conversation_id for r in page])
    last_messages = _last_messages(session, [r.last_id for r in page])
    loaded = views.attachments(session, [message for message, _ in last_messages.values()])
    result = []
    for row in page:
        message, handle = last_messages[row.last_id]
        result.append(ConversationRow(
            ref=refs.conversation_ref(row.conversation_id), conversation_id=row.conversation_id,
            participants=tuple(h for h in members.get(row.conversation_id, ()) if h != person.handle),
            last_line=f"@{handle}: {views.summary_of(message, loaded, code)}", unread=row.unread or 0, updated_at=message.created_at,
        ))
    return result


def count(session: Session, person: Person) -> int:
    """How many conversations the inbox lists (all of them, past any page)."""
    return session.scalar(select(func.count()).select_from(_listed(person))) or 0


def _listed(person: Person, *columns):
    """The person's conversations the inbox lists, with their newest message the person can see
    (`last_id`): dismissed ones wait for a message newer than the dismissal."""
    last = (
        select(func.max(Message.id))
        .where(Message.conversation_id == Participant.conversation_id, visible_to(person.id))
        .correlate(Participant)
        .scalar_subquery()
    )
    mine = (
        select(Participant.conversation_id, Participant.dismissed_id, last.label("last_id"), *columns)
        .where(Participant.person_id == person.id)
        .subquery()
    )
    return select(mine).where(mine.c.last_id > mine.c.dismissed_id).subquery()


def _last_messages(session: Session, message_ids: list[int]) -> dict[int, tuple[Message, str]]:
    query = select(Message, Person.handle).join(Person, Person.id == Message.sender_id).where(Message.id.in_(message_ids))
    return {message.id: (message, handle) for message, handle in session.execute(query)}
