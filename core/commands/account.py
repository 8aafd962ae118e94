"""Commands about you and your connections: follows, blocks, contacts, link, deliver, digest, handle, start."""

from __future__ import annotations

from core import linking, people, schedules
from core.clock import utcnow
from core.commands.context import Context
from core.commands.help import help_text
from core.commands.messaging import join
from core.errors import InvalidInput
from core.grammar import PersonRef
from core.results import LinkPrompt, PersonRow, Reply


def follow(ctx: Context, person: PersonRef) -> Reply:
    """Follow someone; when they follow you back you can message each other."""
    other = ctx.person_of(person)
    added = people.follow(ctx.session, ctx.person, other)
    mutual = people.is_mutual(ctx.session, ctx.person.id, other.id)
    tail = " You follow each other now — you can send them pins." if mutual else ""
    return Reply(text=(f"You follow @{other.handle}." if added else f"You already follow @{other.handle}.") + tail)


def unfollow(ctx: Context, person: PersonRef) -> Reply:
    """Stop following someone."""
    other = ctx.person_of(person)
    removed = people.unfollow(ctx.session, ctx.person, other)
    return Reply(text=f"You no longer follow @{other.handle}." if removed else f"You weren't following @{other.handle}.")


def block(ctx: Context, person: PersonRef) -> Reply:
    """Block someone: they can never message you."""
    other = ctx.person_of(person)
    people.block(ctx.session, ctx.person, other)
    return Reply(text=f"Blocked @{other.handle}. They can't message you.")


def unblock(ctx: Context, person: PersonRef) -> Reply:
    """Lift a block."""
    other = ctx.person_of(person)
    removed = people.unblock(ctx.session, ctx.person, other)
    return Reply(text=f"Unblocked @{other.handle}." if removed else f"@{other.handle} wasn't blocked.")


def contacts(ctx: Context) -> Reply:
    """People you can message: you follow each other and nobody blocked anyone."""
    found = people.contacts(ctx.session, ctx.person)
    if not found:
        return Reply(text=f"No contacts yet. Follow people with `{ctx.prefix}follow @handle`; when they follow back, they show up here.")
    rows = tuple(PersonRow(p.handle, p.display_name or p.handle, tuple(a.platform for a in p.accounts)) for p in found)
    return Reply(text="You can message:\n" + "\n".join(f"• @{r.handle} ({r.display_name})" for r in rows), items=rows)


def link(ctx: Context, value: str = "") -> Reply:
    """`link` gives a one-time code; `link <code>` on the other platform asks to join the accounts."""
    code = value.strip()
    if not code:
        issued = linking.issue(ctx.session, ctx.person, ctx.platform, ctx.settings.link_code_ttl_seconds)
        minutes = max(1, ctx.settings.link_code_ttl_seconds // 60)
        if ctx.platform == "slack":
            how = (f"open https://t.me/{ctx.settings.telegram_bot_username}?start=link_{issued.code} "
                   f"or send /link {issued.code} to the bot on Telegram")
        else:
            how = f"type `{ctx.settings.slack_command} link {issued.code}` in Slack"
        return Reply(text=f"Your link code is {issued.code}. Within {minutes} minutes, {how}. "
                          "You will be asked to confirm there.")
    if " " in code:
        raise InvalidInput("Usage: link <code>")
    return ask_to_link(ctx, code)


def ask_to_link(ctx: Context, code: str) -> Reply:
    """Show whose account a code would join this one to, and ask for a confirmation; nothing is linked yet.

    Wrong codes are counted per account: after `attempts.LIMIT` in `attempts.WINDOW` it must wait.
    """
    found = ctx.try_code(lambda: linking.ask(ctx.session, ctx.person, ctx.account, code))
    if isinstance(found, Reply):
        return found
    held, issuer = found
    here, there = ctx.platform.title(), held.platform.title()
    text = (f"This joins your {here} account to @{issuer.handle} on {there}: whoever uses either account "
            f"will see all your conversations and boards. Only do this if @{issuer.handle} is you.")
    prompt = LinkPrompt(token=held.confirm_token, handle=issuer.handle, platform=ctx.platform, other_platform=held.platform)
    return Reply(text=text, items=(prompt,))


def confirm_link(ctx: Context, token: str) -> Reply:
    """The Confirm button of a link prompt: join the accounts."""
    kept = linking.confirm(ctx.session, ctx.person, ctx.account, token)
    ctx.person = kept
    platforms = sorted({a.platform for a in kept.accounts})
    return Reply(text=f"Linked! You are @{kept.handle} on {' and '.join(p.title() for p in platforms)}. "
                      f"Choose where messages arrive with `{ctx.prefix}deliver slack|telegram|both`.")


def decline_link(ctx: Context, token: str) -> Reply:
    """The Cancel button of a link prompt: nothing is joined and the code is spent."""
    linking.decline(ctx.session, ctx.account, token)
    return Reply(text="Cancelled — nothing was linked, and that code no longer works.")


def deliver(ctx: Context, value: str = "") -> Reply:
    """Choose where your messages are delivered."""
    if not value.strip():
        current = ctx.person.deliver_to or "every linked account"
        return Reply(text=f"Messages go to: {current}. Change it with `{ctx.prefix}deliver slack|telegram|both`.")
    choice = people.set_delivery(ctx.person, value)
    return Reply(text=f"Messages will be delivered to {choice if choice != 'both' else 'Slack and Telegram'}.")


def digest(ctx: Context, value: str = "") -> Reply:
    """Show or set your digest schedule."""
    if not value.strip():
        current = ctx.person.digest_schedule or f"{ctx.settings.default_digest} (the default)"
        return Reply(text=f"Your digest: {current}.\n{schedules.USAGE}")
    schedule = schedules.parse(value, ctx.person.timezone)
    ctx.person.digest_schedule = schedule.text()
    ctx.person.digest_anchor = utcnow()  # a new schedule starts counting from now
    if schedule.kind == "off":
        return Reply(text="Digests are off.")
    return Reply(text=f"Your digest is now {schedule.text()}.")


def handle(ctx: Context, value: str = "") -> Reply:
    """Rename yourself."""
    if not value.strip() or len(value.split()) != 1:
        raise InvalidInput("Usage: handle <new-handle>")
    new = people.rename(ctx.session, ctx.person, value)
    return Reply(text=f"You are now @{new}.")


def start(ctx: Context, value: str = "") -> Reply:
    """Telegram's /start, with an optional deep-link payload (an invite or a link code)."""
    payload = value.strip()
    if payload.startswith("inv_"):
        return join(ctx, payload[4:])
    if payload.startswith("link_"):
        return link(ctx, payload[5:])
    return Reply(text=f"Welcome to Pinbridge, @{ctx.person.handle}! Share pins and talk about them.\n" + help_text(ctx.prefix, ctx.settings.max_group_size))
