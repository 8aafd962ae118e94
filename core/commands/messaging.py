"""Commands about conversations: send, share, reply, inbox, read, dismiss, join."""

from __future__ import annotations

from core import boards as board_service
from core import conversations, edits, i18n, invites, people, refs, views
from core import inbox as inbox_service
from core import pins as pin_service
from core.commands.context import Context
from core.errors import Forbidden, InvalidInput
from core.grammar import PersonRef, person_ref
from core.models import Person
from core.results import Reply
from core.text import Command, Link, Mention, Text, joined, lines as listed, rich, tr, trn

HISTORY = 20


def _recipients(ctx: Context, refs_: list[PersonRef]) -> tuple[list[Person], list[str]]:
    """Known people, and the handles nobody has yet (they get invites)."""
    known, unknown = [], []
    by_handle = people.by_handles(ctx.session, [r.handle for r in refs_ if r.handle])
    for ref in refs_:
        person = by_handle.get(ref.handle) if ref.handle else ctx.lookup(ref)
        if person is not None:
            known.append(person)
        elif ref.handle is not None:
            handle = people.normalize_handle(ref.handle)
            if handle not in unknown:
                unknown.append(handle)
        else:
            ctx.person_of(ref)  # raises: a platform mention we cannot resolve
    return known, unknown


def _deliver(ctx: Context, refs_: list[PersonRef], message: str, kind: str, **attachment) -> tuple:
    known, unknown = _recipients(ctx, refs_)
    opened = conversations.open_for(ctx.session, ctx.settings, ctx.person, known, invited=unknown)
    conversation = opened.conversation
    posted = conversations.post(ctx.session, ctx.settings, conversation, ctx.person, kind=kind, text=message,
                                opened=opened, **attachment)
    links = tuple(
        views.invite_link(ctx.settings, handle, invites.create(ctx.session, conversation, ctx.person, handle, posted).code)
        for handle in unknown
    )
    names = joined([f"@{p.handle}" for p in known if p.id != ctx.person.id]
                   + [tr("{person} (invited)", person=f"@{h}") for h in unknown])
    return conversation, posted, links, names


def _invite_lines(links) -> Text:
    found = Text()
    for link in links:
        openings = "".join(f" ({title}: {url})" for title, url in link.openings)
        found = found + rich("\n", tr("{person} isn't on Pinbridge yet — share this invite: {link}", person=Mention(link.handle),
                                      link=Link(link.page_url, link.page_url)), openings)
    return found


def send(ctx: Context, pin: str, people: list[PersonRef], message: str = "") -> Reply:
    """Send a pin (a reference or a new link) to people; unknown handles get an invite."""
    if refs.looks_like(pin, "p"):
        found = pin_service.visible(ctx.session, ctx.person, pin)
    elif pin.lower().startswith(("http:", "https:", "<http")):
        found, _ = pin_service.create(ctx.session, ctx.person, pin)
        board_service.save(ctx.session, ctx.person, found)
    else:
        raise InvalidInput(tr("“{typed}” is neither a pin (like p12) nor an http(s) link.", typed=pin[:40]))
    conversation, _, links, names = _deliver(ctx, people, message, "pin", pin_id=found.id)
    card = views.pin_card(ctx.settings, found, conversation.id)
    ref = refs.conversation_ref(conversation.id)
    text = rich(tr("Sent {pin} “{title}” to {people} in {conversation}.", pin=card.ref, title=found.title, people=names,
                   conversation=ref), _invite_lines(links))
    return Reply(text, items=(card, *links), conversation_ref=ref)


def share(ctx: Context, kind: str, subject: str, people: list[PersonRef], message: str = "") -> Reply:
    """Send a whole board or a person's profile (F6); secret boards can't be sent."""
    if kind == "board":
        board = board_service.get(ctx.session, ctx.person, subject, ctx.person)
        if board.secret:
            raise Forbidden(tr("“{board}” is a secret board — secret boards can't be sent.", board=board.name))
        conversation, _, links, names = _deliver(ctx, people, message, "board", board_id=board.id)
        card, what = views.board_card(ctx.session, ctx.settings, board), tr("your board “{board}”", board=board.name)
    else:
        profile = ctx.person_of(person_ref(subject))
        conversation, _, links, names = _deliver(ctx, people, message, "profile", profile_id=profile.id)
        card = views.profile_card(ctx.session, ctx.settings, profile, ctx.person)
        what = tr("{person}'s profile", person=f"@{profile.handle}")
    ref = refs.conversation_ref(conversation.id)
    sent = tr("Sent {what} to {people} in {conversation}.", what=what, people=names, conversation=ref)
    return Reply(rich(sent, _invite_lines(links)), items=(card, *links), conversation_ref=ref)


def reply(ctx: Context, conversation: str, text: str) -> Reply:
    """Post text into a conversation you are in."""
    found, _ = conversations.membership(ctx.session, ctx.person, conversation)
    message = conversations.post(ctx.session, ctx.settings, found, ctx.person, kind="text", text=text)
    if ctx.source is not None:  # typed as its own platform message: its edits and deletes follow it
        edits.record_source(ctx.session, message, ctx.account, *ctx.source)
    ref = refs.conversation_ref(found.id)
    return Reply(tr("Replied in {conversation}.", conversation=ref), conversation_ref=ref)


def inbox(ctx: Context) -> Reply:
    """Your conversations, newest first, with unread counts."""
    rows = inbox_service.rows(ctx.session, ctx.person, code=i18n.language_of(ctx.person, ctx.account))
    if not rows:
        return Reply(tr("Your inbox is empty. Send a pin: {command}.", command=Command("send p1 to @friend")))
    lines = [
        rich(_with(ctx, r.ref, r.participants), trn(" — {n} unread", " — {n} unread", r.unread) if r.unread else "",
             f": {r.last_line}")
        for r in rows
    ]
    return Reply(rich(tr("Your conversations:"), "\n", listed(lines)), items=tuple(rows))


def _with(ctx: Context, ref: str, handles) -> Text:
    """"c3 with @ana, @bob" (or "with just you")."""
    others = ", ".join("@" + h for h in handles if h != ctx.person.handle)
    return tr("{conversation} with {people}", conversation=ref, people=others or tr("just you"))


def read(ctx: Context, conversation: str) -> Reply:
    """The latest messages of a conversation, which are then read."""
    found, _ = conversations.membership(ctx.session, ctx.person, conversation)
    messages = conversations.history(ctx.session, ctx.person, found, HISTORY)
    loaded = views.attachments(ctx.session, messages)
    handles = tuple(p.handle for p in conversations.participants(ctx.session, found))
    items = tuple(views.message_view(ctx.session, ctx.settings, m, handles, ctx.person, loaded) for m in messages)
    code = i18n.language_of(ctx.person, ctx.account)  # the reader's: each line is read in it
    lines = [rich(f"@{v.sender_handle}: ", views.summary(v, code)) for v in items]
    ref = refs.conversation_ref(found.id)
    head = _with(ctx, ref, handles)
    return Reply(rich(head, "\n", listed(lines) if lines else tr("(no messages yet)")), items=items, conversation_ref=ref)


def dismiss(ctx: Context, conversation: str) -> Reply:
    """Clear a conversation's notifications (the "x")."""
    found, _ = conversations.membership(ctx.session, ctx.person, conversation)
    conversations.dismiss(ctx.session, ctx.person, found)
    return Reply(tr("Dismissed {conversation}; it comes back when someone writes.", conversation=refs.conversation_ref(found.id)))


def join(ctx: Context, value: str = "") -> Reply:
    """Redeem an invite code: join its conversation and see what was sent there for you."""
    code = value.strip()
    if not code or " " in code:
        raise InvalidInput(tr("Usage: {usage}", usage="join <invite-code>"))
    found = ctx.try_code(lambda: invites.redeem(ctx.session, ctx.settings, code, ctx.person))
    if isinstance(found, Reply):
        return found
    invite, waiting = found
    ref = refs.conversation_ref(invite.conversation_id)
    items = ()
    text = tr("You joined {conversation}.", conversation=ref)
    if waiting is not None:
        view = views.message_view(ctx.session, ctx.settings, waiting, (), ctx.person)
        card = view.pin or view.board or view.profile
        items = (card,) if card else ()
        what = (f"{view.pin.ref}: “{view.pin.title}”" if view.pin else
                {"board": tr("a board"), "profile": tr("a profile")}.get(view.kind, tr("a message")))
        text = rich(text, " ", tr("{person} sent you {what}.", person=f"@{view.sender_handle}", what=what))
    return Reply(text, items=items, conversation_ref=ref)
