"""People: identity on first contact, handles, follows, blocks and contacts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from core import schedules
from core.clock import utcnow
from core.platforms import PlatformInfo
from core.errors import Forbidden, InvalidInput, NotFound
from core.inserts import insert_if_absent
from core.models import Account, Block, Follow, Person
from core.search import like_escape
from core.text import Command, rich, tr

HANDLE_RE = re.compile(r"^[a-z0-9_.]{2,32}$")
SEEN_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True)
class Identity:
    """Who is speaking, as a platform sees them."""

    platform: str
    external_id: str
    chat_id: str | None = None
    username: str | None = None
    display_name: str | None = None
    avatar_url: str | None = None
    team_id: str | None = None
    timezone: str | None = None
    # Where to write to them if nothing better is known yet (an account id before the id of its chat):
    # used for a new account only, never to overwrite a chat id the platform gave us.
    fallback_chat_id: str | None = None
    locale: str | None = None  # the platform's language for them ("es", "pt-BR"), when it says


def normalize_handle(text: str) -> str:
    """'@Bob' -> 'bob', or InvalidInput naming the rule."""
    handle = text.strip().lstrip("@").lower()
    if not HANDLE_RE.match(handle):
        raise InvalidInput(tr("“{typed}” is not a valid handle: use 2–32 of a–z, 0–9, _ and .", typed=text[:40]))
    return handle


def unique_handle(session: Session, wanted: str | None) -> str:
    """A free handle derived from a platform username."""
    base = re.sub(r"[^a-z0-9_.]", "", (wanted or "").lower())[:28] or "user"
    if len(base) < 2:
        base = f"{base}_"
    taken = set(
        session.scalars(select(Person.handle).where(Person.handle.like(f"{like_escape(base)}%", escape="\\")))
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


# Statements every command runs, built once: SQLAlchemy then only binds their values (no expression to
# construct and key per call — about a fifth of a send's Python time).
_ACCOUNT = (select(Account).options(joinedload(Account.person))
            .where(Account.platform == bindparam("platform"), Account.external_id == bindparam("external_id")))
_BY_HANDLES = (select(Person).where(Person.handle.in_(bindparam("handles", expanding=True)))
               .options(joinedload(Person.accounts)))


def resolve(session: Session, identity: Identity, speaking: bool = True) -> Person:
    """The person behind a platform account, created on first contact.

    `speaking`: the account itself wrote to us (not merely mentioned), which proves its chat works.
    """
    account = session.scalar(_ACCOUNT, {"platform": identity.platform, "external_id": identity.external_id})
    if account is None:
        person = _create(session, identity)
        account = person.accounts[0]
    else:
        _refresh(account, identity, speaking)
        person = account.person
    if speaking:
        session.info.setdefault(_SPEAKING, {})[person.id] = account
    return person


_SPEAKING = "speaking accounts"  # session.info: the account each person spoke from in this transaction


def speaking_account(session: Session, person: Person) -> Account | None:
    """The account `person` spoke from in this transaction (no query: resolve kept it), if they spoke."""
    return session.info.get(_SPEAKING, {}).get(person.id)


def known_zone(name: str | None) -> str | None:
    """A platform's time zone for a person, if this host knows it: an unknown one is not kept (every
    schedule, digest and home page would stumble on it), and the deployment's default applies."""
    if not name:
        return None
    try:
        schedules.zone(name)
    except InvalidInput:
        return None
    return name


def _create(session: Session, identity: Identity) -> Person:
    person = Person(
        handle=unique_handle(session, identity.username or identity.display_name),
        display_name=(identity.display_name or identity.username or "")[:80],
        avatar_url=identity.avatar_url,
        timezone=known_zone(identity.timezone),
    )
    person.accounts.append(
        Account(
            platform=identity.platform, external_id=identity.external_id, team_id=identity.team_id,
            chat_id=identity.chat_id or identity.fallback_chat_id, username=identity.username,
            locale=(identity.locale or None) and identity.locale[:16],
        )
    )
    session.add(person)
    session.flush()
    return person


def _refresh(account: Account, identity: Identity, speaking: bool = True) -> None:
    now = utcnow()
    if speaking and now - account.last_seen_at > SEEN_RESOLUTION:  # not a write on every command
        account.last_seen_at = now
    if not account.chat_id and identity.fallback_chat_id:
        account.chat_id = identity.fallback_chat_id
    if speaking and identity.chat_id and (account.chat_id != identity.chat_id or account.unreachable):
        # Hearing from them in their own chat proves we can write there again (e.g. bot unblocked).
        account.chat_id = identity.chat_id
        account.unreachable = False
    if identity.locale and account.locale != identity.locale[:16]:  # written only when it changes
        account.locale = identity.locale[:16]
    if identity.username and account.username != identity.username:  # an unchanged assignment still dirties
        account.username = identity.username
    person = account.person
    if identity.avatar_url and not person.avatar_url:
        person.avatar_url = identity.avatar_url
    if identity.timezone and not person.timezone:
        person.timezone = known_zone(identity.timezone)


def by_handle(session: Session, text: str) -> Person:
    """The person with this handle, or NotFound."""
    handle = normalize_handle(text)
    person = session.scalar(select(Person).where(Person.handle == handle))
    if person is None:
        raise NotFound(tr("Nobody is called {person} here.", person=f"@{handle}"))
    return person


def by_handles(session: Session, handles: list[str]) -> dict[str, Person]:
    """Many people by handle in one query; unknown handles are simply absent."""
    if not handles:
        return {}
    found = session.scalars(_BY_HANDLES, {"handles": list(handles)})
    return {person.handle: person for person in found.unique()}  # people and their accounts in one query


def by_account(session: Session, platform: str, external_id: str) -> Person | None:
    """The person owning a platform account, if known."""
    return session.scalar(
        select(Person).join(Account).where(Account.platform == platform, Account.external_id == external_id)
    )


def rename(session: Session, person: Person, wanted: str) -> str:
    """Change a person's handle; handles are unique and case-insensitive."""
    handle = normalize_handle(wanted)
    if handle == person.handle:
        return handle
    if session.scalar(select(Person.id).where(Person.handle == handle)):
        raise InvalidInput(tr("{person} is taken — try another.", person=f"@{handle}"))
    person.handle = handle
    return handle


def follow(session: Session, person: Person, other: Person) -> bool:
    """Follow someone; True when it is new. Following is harmless to repeat."""
    if other.id == person.id:
        raise InvalidInput(tr("You can't follow yourself."))
    if is_blocked_between(session, person.id, other.id):
        raise Forbidden(tr("You can't follow {person}.", person=f"@{other.handle}"))
    row = {"follower_id": person.id, "followee_id": other.id, "created_at": utcnow()}
    return insert_if_absent(session, Follow, row) == 1


def unfollow(session: Session, person: Person, other: Person) -> bool:
    """Stop following; True when there was something to undo."""
    result = session.execute(
        delete(Follow).where(Follow.follower_id == person.id, Follow.followee_id == other.id)
    )
    return result.rowcount > 0


def block(session: Session, person: Person, other: Person) -> bool:
    """Block someone: follows both ways are removed and they can never message you."""
    if other.id == person.id:
        raise InvalidInput(tr("You can't block yourself."))
    session.execute(
        delete(Follow).where(
            or_(
                and_(Follow.follower_id == person.id, Follow.followee_id == other.id),
                and_(Follow.follower_id == other.id, Follow.followee_id == person.id),
            )
        )
    )
    row = {"blocker_id": person.id, "blocked_id": other.id, "created_at": utcnow()}
    return insert_if_absent(session, Block, row) == 1


def unblock(session: Session, person: Person, other: Person) -> bool:
    """Lift a block; True when there was one."""
    result = session.execute(delete(Block).where(Block.blocker_id == person.id, Block.blocked_id == other.id))
    return result.rowcount > 0


def is_blocked_between(session: Session, a: int, b: int) -> bool:
    """True when either has blocked the other."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    or_(
                        and_(Block.blocker_id == a, Block.blocked_id == b),
                        and_(Block.blocker_id == b, Block.blocked_id == a),
                    )
                )
            )
        )
    )


def is_mutual(session: Session, a: int, b: int) -> bool:
    """True when a follows b and b follows a."""
    count = session.scalar(
        select(func.count()).select_from(Follow).where(
            or_(
                and_(Follow.follower_id == a, Follow.followee_id == b),
                and_(Follow.follower_id == b, Follow.followee_id == a),
            )
        )
    )
    return count == 2


def contacts(session: Session, person: Person) -> list[Person]:
    """People you can message: mutual follows, minus blocks either way, by handle."""
    back = aliased(Follow)
    blocked = exists().where(
        or_(
            and_(Block.blocker_id == person.id, Block.blocked_id == Person.id),
            and_(Block.blocker_id == Person.id, Block.blocked_id == person.id),
        )
    )
    query = (
        select(Person)
        .join(Follow, and_(Follow.follower_id == person.id, Follow.followee_id == Person.id))
        .join(back, and_(back.follower_id == Person.id, back.followee_id == person.id))
        .where(~blocked)
        .options(selectinload(Person.accounts))
        .order_by(Person.handle)
    )
    return list(session.scalars(query))


def delivery_platforms(person: Person) -> tuple[str, ...]:
    """The platforms a person chose to receive messages on; () means every linked account."""
    return tuple(name for name in (person.deliver_to or "").split(",") if name)


def set_delivery(person: Person, choice: str, platforms: tuple[PlatformInfo, ...]) -> tuple[str, ...]:
    """Choose where messages are delivered: some of the person's platforms, or `all` (returns ())."""
    names = tuple(p.name for p in platforms)
    words = [w for w in choice.replace(",", " ").lower().split() if w]
    if words == ["both"] and len(names) == 2:
        words = ["all"]  # the word of the two-platform grammar this replaced, still understood
    if words == ["all"]:
        person.deliver_to = None
        return ()
    unknown = [w for w in words if w not in names]
    if not words or unknown:
        what = rich(tr("“{typed}” is not a platform here.", typed=unknown[0][:40]), " ") if unknown else ""
        example = " ".join(names[:2]) if len(names) > 1 else "all"
        raise InvalidInput(rich(what, tr("Say where messages go: {one}, {several} for several, or {all}.",
                                         one=Command(f"deliver {names[0] if names else 'all'}"),
                                         several=Command(f"deliver {example}"), all=Command("deliver all"))))
    have = {account.platform for account in person.accounts}
    missing = [next(p for p in platforms if p.name == w) for w in words if w not in have]
    if missing:
        raise InvalidInput(tr("You have no {platform} account linked yet — use {command} first.",
                                platform=missing[0].title, command=Command("link")))
    chosen = tuple(sorted(set(words)))
    person.deliver_to = ",".join(chosen)
    return chosen
