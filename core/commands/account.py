"""Commands about you and your connections: follows, blocks, contacts, link, deliver, digest, handle, start."""

from __future__ import annotations

from core import linking, people, refreshes, schedules
from core.clock import utcnow
from core.commands.context import Context
from core.commands.help import and_list, help_text
from core.commands.messaging import join
from core.errors import InvalidInput
from core.grammar import PersonRef
from core.platforms import PlatformInfo
from core.results import LinkPrompt, PersonRow, Reply
from core.text import Code, Command, Link, Mention, Text, joined, lines, rich, tr


def follow(ctx: Context, person: PersonRef) -> Reply:
    """Follow someone; when they follow you back you can message each other."""
    other = ctx.person_of(person)
    added = people.follow(ctx.session, ctx.person, other)
    mutual = people.is_mutual(ctx.session, ctx.person.id, other.id)
    said = (tr("You follow {person}.", person=Mention(other.handle)) if added
            else tr("You already follow {person}.", person=Mention(other.handle)))
    return Reply(rich(said, " ", tr("You follow each other now — you can send them pins.")) if mutual else said)


def unfollow(ctx: Context, person: PersonRef) -> Reply:
    """Stop following someone."""
    other = ctx.person_of(person)
    removed = people.unfollow(ctx.session, ctx.person, other)
    if removed:
        return Reply(tr("You no longer follow {person}.", person=Mention(other.handle)))
    return Reply(tr("You weren't following {person}.", person=Mention(other.handle)))


def block(ctx: Context, person: PersonRef) -> Reply:
    """Block someone: they can never message you."""
    other = ctx.person_of(person)
    people.block(ctx.session, ctx.person, other)
    refreshes.queue_refresh(ctx.session, [ctx.person.id], utcnow())  # their App Home stops showing the blocked one
    return Reply(tr("Blocked {person}. They can't message you.", person=Mention(other.handle)))


def unblock(ctx: Context, person: PersonRef) -> Reply:
    """Lift a block."""
    other = ctx.person_of(person)
    removed = people.unblock(ctx.session, ctx.person, other)
    if removed:
        refreshes.queue_refresh(ctx.session, [ctx.person.id], utcnow())
        return Reply(tr("Unblocked {person}.", person=Mention(other.handle)))
    return Reply(tr("{person} wasn't blocked.", person=Mention(other.handle)))


def contacts(ctx: Context) -> Reply:
    """People you can message: you follow each other and nobody blocked anyone."""
    found = people.contacts(ctx.session, ctx.person)
    if not found:
        return Reply(tr("No contacts yet. Follow people with {command}; when they follow back, they show up here.",
                        command=Command("follow @handle")))
    rows = tuple(PersonRow(p.handle, p.display_name or p.handle, tuple(a.platform for a in p.accounts)) for p in found)
    listed = lines(rich("• ", Mention(r.handle), f" ({r.display_name})") for r in rows)
    return Reply(rich(tr("You can message:"), "\n", listed), items=rows)


def link(ctx: Context, value: str = "") -> Reply:
    """`link` gives a one-time code; `link <code>` on another platform asks to join the accounts."""
    code = value.strip()
    if not code:
        issued = linking.issue(ctx.session, ctx.person, ctx.platform, ctx.settings.link_code_ttl_seconds)
        minutes = max(1, ctx.settings.link_code_ttl_seconds // 60)
        ways = [_way_to_link(other, issued.code) for other in ctx.elsewhere] or [
            tr("{command} on your other platform", command=Code(f"link {issued.code}"))]
        either = tr("; or ")  # not inside the call below: Babel misses a tr() in another call's arguments there
        return Reply(tr("Your link code is {code}. Within {minutes} minutes, {ways}. You will be asked to confirm there.",
                        code=issued.code, minutes=minutes, ways=joined(ways, either)))
    if " " in code:
        raise InvalidInput(tr("Usage: {usage}", usage="link <code>"))
    return ask_to_link(ctx, code)


def _way_to_link(other: PlatformInfo, code: str) -> Text:
    typed = tr("type {command} on {platform}", command=Code(other.typed(f"link {code}")), platform=other.title)
    opening = other.opening(f"link_{code}")
    return tr("open {link} or {typed}", link=Link(opening, opening), typed=typed) if opening else typed


def ask_to_link(ctx: Context, code: str) -> Reply:
    """Show whose account a code would join this one to, and ask for a confirmation; nothing is linked yet.

    Wrong codes are counted per account: after `attempts.LIMIT` in `attempts.WINDOW` it must wait.
    """
    found = ctx.try_code(lambda: linking.ask(ctx.session, ctx.person, ctx.account, code))
    if isinstance(found, Reply):
        return found
    held, issuer = found
    here, there = ctx.settings.platform(ctx.platform).title, ctx.settings.platform(held.platform).title
    text = tr("This joins your {here} account to {person} on {there}: whoever uses either account will see all your "
              "conversations and boards. Only do this if {person} is you.", here=here, person=Mention(issuer.handle),
              there=there)
    prompt = LinkPrompt(token=held.confirm_token, handle=issuer.handle, platform=ctx.platform, other_platform=held.platform)
    return Reply(text, items=(prompt,))


def confirm_link(ctx: Context, token: str) -> Reply:
    """The Confirm button of a link prompt: join the accounts."""
    kept = linking.confirm(ctx.session, ctx.person, ctx.account, token)
    ctx.person = kept
    refreshes.queue_refresh(ctx.session, [kept.id], utcnow())  # their App Home lists the accounts
    titles = [ctx.settings.platform(name).title for name in sorted({a.platform for a in kept.accounts})]
    return Reply(tr("Linked! You are {person} on {platforms}. Choose where messages arrive with {command}.",
                    person=Mention(kept.handle), platforms=and_list(titles), command=Command(_deliver_usage(ctx))))


def decline_link(ctx: Context, token: str) -> Reply:
    """The Cancel button of a link prompt: nothing is joined and the code is spent."""
    linking.decline(ctx.session, ctx.account, token)
    return Reply(tr("Cancelled — nothing was linked, and that code no longer works."))


def _deliver_usage(ctx: Context) -> str:
    return f"deliver {'|'.join(ctx.settings.platform_names) or '<platform>'}|all"


def deliver(ctx: Context, value: str = "") -> Reply:
    """Choose where your messages are delivered: some of your platforms, or all of them."""
    if not value.strip():
        chosen = people.delivery_platforms(ctx.person)
        current = _titles(ctx, chosen) if chosen else tr("every linked account")
        return Reply(tr("Messages go to: {where}. Change it with {command}.", where=current,
                        command=Command(_deliver_usage(ctx))))
    chosen = people.set_delivery(ctx.person, value, ctx.settings.platforms)
    refreshes.queue_refresh(ctx.session, [ctx.person.id], utcnow())  # their App Home shows the choice
    if chosen:
        return Reply(tr("Messages will be delivered to {where}.", where=_titles(ctx, chosen)))
    every = sorted({account.platform for account in ctx.person.accounts})
    return Reply(tr("Messages will be delivered to every linked account ({where}).", where=_titles(ctx, every)))


def _titles(ctx: Context, names) -> Text:
    return and_list(ctx.settings.platform(name).title for name in names)


def digest(ctx: Context, value: str = "") -> Reply:
    """Show or set your digest schedule."""
    if not value.strip():
        current = ctx.person.digest_schedule or tr("{schedule} (the default)", schedule=ctx.settings.default_digest)
        return Reply(rich(tr("Your digest: {schedule}.", schedule=current), "\n", schedules.usage()))
    schedule = schedules.parse(value, ctx.person.timezone)
    ctx.person.digest_schedule = schedule.text()
    ctx.person.digest_anchor = utcnow()  # a new schedule starts counting from now
    refreshes.queue_refresh(ctx.session, [ctx.person.id], utcnow())  # their App Home shows the schedule
    if schedule.kind == "off":
        return Reply(tr("Digests are off."))
    return Reply(tr("Your digest is now {schedule}.", schedule=schedule.text()))


def handle(ctx: Context, value: str = "") -> Reply:
    """Rename yourself."""
    if not value.strip() or len(value.split()) != 1:
        raise InvalidInput(tr("Usage: {usage}", usage="handle <new-handle>"))
    new = people.rename(ctx.session, ctx.person, value)
    refreshes.queue_refresh(ctx.session, [ctx.person.id], utcnow())  # their App Home greets them by handle
    return Reply(tr("You are now {person}.", person=Mention(new)))


def start(ctx: Context, value: str = "") -> Reply:
    """A platform's start of a chat with the bot, with an optional deep-link payload (an invite or a link code)."""
    payload = value.strip()
    if payload.startswith("inv_"):
        return join(ctx, payload[4:])
    if payload.startswith("link_"):
        return link(ctx, payload[5:])
    return Reply(rich(tr("Welcome to Pinbridge, {person}! Share pins and talk about them.", person=Mention(ctx.person.handle)),
                      "\n", help_text(ctx.settings)))
