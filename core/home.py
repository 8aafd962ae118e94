"""A person's home page on a platform that has one (an app's Home tab): inbox, boards, digest, accounts.

Built when a home delivery is claimed (core/refreshes.py queues them), so it always shows the
person's things as they are at that moment.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core import boards as board_service
from core import i18n, inbox, people, schedules, views
from core.errors import InvalidInput
from core.models import Account, Delivery, Person
from core.ports import Outgoing
from core.results import BoardRow, ConversationRow
from core.settings import CoreSettings

# Bounded: a home page holds little (one platform's takes "up to 100 blocks", a few per conversation and
# board), so ten of each leave room for the rest of the page, and the rest is counted.
SHOWN = 10
DIGEST_KINDS = ("off", "hourly", "daily", "weekly")  # as schedules.parse reads them


@dataclass(frozen=True)
class LinkedAccount:
    platform: str
    title: str  # the platform's name as people know it
    username: str | None


@dataclass(frozen=True)
class HomeView:
    """What one person's home shows, platform-neutral (each adapter with a home surface renders it)."""

    handle: str
    display_name: str
    conversations: tuple[ConversationRow, ...]
    more_conversations: int  # in the inbox beyond those shown
    boards: tuple[BoardRow, ...]
    more_boards: int
    digest: str  # the schedule as `digest` shows it ("daily 09:00 Europe/Berlin")
    digest_kind: str  # off|hourly|daily|weekly
    digest_is_default: bool  # never chosen: the deployment's default applies
    digest_choices: tuple[tuple[str, str], ...]  # (kind, the schedule choosing it sets): the person's own time and zone kept
    delivery: tuple[str, ...]  # the platforms chosen with `deliver`; () = every linked account
    accounts: tuple[LinkedAccount, ...]
    platforms: tuple[tuple[str, str], ...]  # the deployed platforms: (name, title)
    language: str = "en"  # the person's, for the page's words


def home_view(session: Session, settings: CoreSettings, person: Person, account: Account | None = None) -> HomeView:
    """The person's own home: only conversations they are in, and their boards (secret ones too: it is theirs);
    in their language on the account it is shown on."""
    code = i18n.language_of(person, account or people.speaking_account(session, person))
    rows = inbox.rows(session, person, limit=SHOWN, code=code)
    listing = board_service.listing(session, person, person)
    shown_boards = tuple(BoardRow(b.name, n, b.secret, b.is_default, views.board_url(settings, b)) for b, n in listing[:SHOWN])
    chosen = person.digest_schedule
    try:
        schedule = schedules.parse(chosen or settings.default_digest, person.timezone)
    except InvalidInput:  # a zone stored before zones were checked (people.known_zone): the default's own
        schedule = schedules.parse(chosen or settings.default_digest, None)
    accounts = tuple(LinkedAccount(a.platform, settings.platform(a.platform).title, a.username) for a in person.accounts)
    return HomeView(
        handle=person.handle, display_name=person.display_name or person.handle,
        conversations=tuple(rows), more_conversations=max(0, inbox.count(session, person) - len(rows)),
        boards=shown_boards, more_boards=max(0, len(listing) - SHOWN),
        digest=schedule.text(), digest_kind=schedule.kind, digest_is_default=chosen is None,
        digest_choices=_digest_choices(schedule, person.timezone, chosen is None),
        delivery=people.delivery_platforms(person), accounts=accounts,
        platforms=tuple((p.name, p.title) for p in settings.platforms), language=code,
    )


def _digest_choices(schedule: schedules.Schedule, timezone: str | None, default: bool) -> tuple[tuple[str, str], ...]:
    """Each kind of schedule at the same time: in the zone they chose, else (never chosen, or off) their own."""
    tz = (timezone or schedule.tz) if default or schedule.kind == "off" else schedule.tz
    return tuple((kind, dataclasses.replace(schedule, kind=kind, tz=tz).text()) for kind in DIGEST_KINDS)


def outgoing(session: Session, settings: CoreSettings, d: Delivery) -> Outgoing:
    """A claimed home delivery with the view as it is now, for the account it goes to."""
    account = session.get(Account, d.account_id)
    person = session.get(Person, d.person_id)
    view = home_view(session, settings, person, account)
    return Outgoing(
        delivery_id=d.id, idempotency_key=d.idempotency_key, platform=d.platform, chat_id=d.chat_id,
        recipient_handle=person.handle, kind="home", home=view,
        team_id=account.team_id, recipient_id=account.external_id, locale=view.language,
    )
