"""Commands about you and your connections: follows, blocks, contacts, link, deliver, digest, handle, start."""

from __future__ import annotations

from core import linking, people, schedules
from core.clock import utcnow
from core.commands.context import Context
from core.commands.help import help_text
from core.commands.messaging import join
from core.errors import InvalidInput
from core.grammar import PersonRef
from core.platforms import PlatformInfo
from core.results import LinkPrompt, PersonRow, Reply
from core.text import Code, Command, Link, Mention, Text, joined, lines, rich


def follow(ctx: Context, person: PersonRef) -> Reply:
    """Follow someone; when they follow you back you can message each other."""
    other = ctx.person_of(person)
    added = people.follow(ctx.session, ctx.person, other)
    mutual = people.is_mutual(ctx.session, ctx.person.id, other.id)
    tail = " You follow each other now — you can send them pins." if mutual else ""
    return Reply(rich("You follow " if added else "You already follow ", Mention(other.handle), "." + tail))


def unfollow(ctx: Context, person: PersonRef) -> Reply:
    """Stop following someone."""
    other = ctx.person_of(person)
    removed = people.unfollow(ctx.session, ctx.person, other)
    return Reply(rich("You no longer follow " if removed else "You weren't following ", Mention(other.handle), "."))


def block(ctx: Context, person: PersonRef) -> Reply:
    """Block someone: they can never message you."""
    other = ctx.person_of(person)
    people.block(ctx.session, ctx.person, other)
    return Reply(rich("Blocked ", Mention(other.handle), ". They can't message you."))


def unblock(ctx: Context, person: PersonRef) -> Reply:
    """Lift a block."""
    other = ctx.person_of(person)
    removed = people.unblock(ctx.session, ctx.person, other)
    return Reply(rich("Unblocked ", Mention(other.handle), ".") if removed else rich(Mention(other.handle), " wasn't blocked."))


def contacts(ctx: Context) -> Reply:
    """People you can message: you follow each other and nobody blocked anyone."""
    found = people.contacts(ctx.session, ctx.person)
    if not found:
        return Reply(rich("No contacts yet. Follow people with ", Command("follow @handle"),
                          "; when they follow back, they show up here."))
    rows = tuple(PersonRow(p.handle, p.display_name or p.handle, tuple(a.platform for a in p.accounts)) for p in found)
    listed = lines(rich("• ", Mention(r.handle), f" ({r.display_name})") for r in rows)
    return Reply(rich("You can message:\n", listed), items=rows)


def link(ctx: Context, value: str = "") -> Reply:
    """`link` gives a one-time code; `link <code>` on another platform asks to join the accounts."""
    code = value.strip()
    if not code:
        issued = linking.issue(ctx.session, ctx.person, ctx.platform, ctx.settings.link_code_ttl_seconds)
        minutes = max(1, ctx.settings.link_code_ttl_seconds // 60)
        ways = [_way_to_link(other, issued.code) for other in ctx.elsewhere] or [rich(Code(f"link {issued.code}"),
                                                                                      " on your other platform")]
        return Reply(rich(f"Your link code is {issued.code}. Within {minutes} minutes, ", joined(ways, "; or "),
                          ". You will be asked to confirm there."))
    if " " in code:
        raise InvalidInput("Usage: link <code>")
    return ask_to_link(ctx, code)


def _way_to_link(other: PlatformInfo, code: str) -> Text:
    typed = rich("type ", Code(other.typed(f"link {code}")), f" on {other.title}")
    opening = other.opening(f"link_{code}")
    return rich("open ", Link(opening, opening), " or ", typed) if opening else typed


def ask_to_link(ctx: Context, code: str) -> Reply:
    """Show whose account a code would join this one to, and ask for a confirmation; nothing is linked yet.

    Wrong codes are counted per account: after `attempts.LIMIT` in `attempts.WINDOW` it must wait.
    """
    found = ctx.try_code(lambda: linking.ask(ctx.session, ctx.person, ctx.account, code))
    if isinstance(found, Reply):
        return found
    held, issuer = found
    here, there = ctx.settings.platform(ctx.platform).title, ctx.settings.platform(held.platform).title
    text = rich(f"This joins your {here} account to ", Mention(issuer.handle), f" on {there}: whoever uses either "
                "account will see all your conversations and boards. Only do this if ", Mention(issuer.handle), " is you.")
    prompt = LinkPrompt(token=held.confirm_token, handle=issuer.handle, platform=ctx.platform, other_platform=held.platform)
    return Reply(text, items=(prompt,))


def confirm_link(ctx: Context, token: str) -> Reply:
    """The Confirm button of a link prompt: join the accounts."""
    kept = linking.confirm(ctx.session, ctx.person, ctx.account, token)
    ctx.person = kept
    titles = [ctx.settings.platform(name).title for name in sorted({a.platform for a in kept.accounts})]
    return Reply(rich("Linked! You are ", Mention(kept.handle), f" on {' and '.join(titles)}. Choose where messages "
                      "arrive with ", Command(_deliver_usage(ctx)), "."))


def decline_link(ctx: Context, token: str) -> Reply:
    """The Cancel button of a link prompt: nothing is joined and the code is spent."""
    linking.decline(ctx.session, ctx.account, token)
    return Reply("Cancelled — nothing was linked, and that code no longer works.")


def _deliver_usage(ctx: Context) -> str:
    return f"deliver {'|'.join(ctx.settings.platform_names) or '<platform>'}|all"


def deliver(ctx: Context, value: str = "") -> Reply:
    """Choose where your messages are delivered: some of your platforms, or all of them."""
    if not value.strip():
        chosen = people.delivery_platforms(ctx.person)
        current = _titles(ctx, chosen) if chosen else "every linked account"
        return Reply(rich(f"Messages go to: {current}. Change it with ", Command(_deliver_usage(ctx)), "."))
    chosen = people.set_delivery(ctx.person, value, ctx.settings.platforms)
    if chosen:
        return Reply(f"Messages will be delivered to {_titles(ctx, chosen)}.")
    every = sorted({account.platform for account in ctx.person.accounts})
    return Reply(f"Messages will be delivered to every linked account ({_titles(ctx, every)}).")


def _titles(ctx: Context, names) -> str:
    return " and ".join(ctx.settings.platform(name).title for name in names)


def digest(ctx: Context, value: str = "") -> Reply:
    """Show or set your digest schedule."""
    if not value.strip():
        current = ctx.person.digest_schedule or f"{ctx.settings.default_digest} (the default)"
        return Reply(rich(f"Your digest: {current}.\n", schedules.usage()))
    schedule = schedules.parse(value, ctx.person.timezone)
    ctx.person.digest_schedule = schedule.text()
    ctx.person.digest_anchor = utcnow()  # a new schedule starts counting from now
    if schedule.kind == "off":
        return Reply("Digests are off.")
    return Reply(f"Your digest is now {schedule.text()}.")


def handle(ctx: Context, value: str = "") -> Reply:
    """Rename yourself."""
    if not value.strip() or len(value.split()) != 1:
        raise InvalidInput("Usage: handle <new-handle>")
    new = people.rename(ctx.session, ctx.person, value)
    return Reply(rich("You are now ", Mention(new), "."))


def start(ctx: Context, value: str = "") -> Reply:
    """A platform's start of a chat with the bot, with an optional deep-link payload (an invite or a link code)."""
    payload = value.strip()
    if payload.startswith("inv_"):
        return join(ctx, payload[4:])
    if payload.startswith("link_"):
        return link(ctx, payload[5:])
    return Reply(rich("Welcome to Pinbridge, ", Mention(ctx.person.handle), "! Share pins and talk about them.\n",
                      help_text(ctx.settings)))
