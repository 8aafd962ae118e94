"""Commands about pins and boards: new, save, boards, board, board new, search."""

from __future__ import annotations

from core import boards as board_service
from core import pins as pin_service
from core import search as search_service
from core import views
from core.commands.context import Context
from core.grammar import PersonRef
from core.results import BoardRow, Reply
from core.text import Command, Text, lines as listed, rich, tr, trn

SEARCH_PAGE = 10


def new(ctx: Context, url: str, title: str = "") -> Reply:
    """Create a pin from a link and keep it on your default board."""
    pin, created = pin_service.create(ctx.session, ctx.person, url, title or None)
    board_service.save(ctx.session, ctx.person, pin)
    card = views.pin_card(ctx.settings, pin)
    return Reply(rich(_pinned(created, card.ref, pin.title), f" — {pin.url}"), items=(card,), shared=True)


def _pinned(created: bool, ref: str, title: str) -> Text:
    if created:
        return tr("Pinned {pin}: {title}", pin=ref, title=title)
    return tr("You already pinned that as {pin}: {title}", pin=ref, title=title)


def capture(ctx: Context, url: str, description: str = "", title: str | None = None) -> Reply:
    """A link someone shared with the bot (not typed as `new`): a pin, with the words around it as its description."""
    title = title[: pin_service.MAX_TITLE] if title else None
    pin, created = pin_service.create(ctx.session, ctx.person, url, title,
                                      description=description[: pin_service.MAX_DESCRIPTION])
    board_service.save(ctx.session, ctx.person, pin)
    card = views.pin_card(ctx.settings, pin)
    return Reply(rich(_pinned(created, card.ref, pin.title), f" — {pin.url}"), items=(card,), shared=True)


def picture(ctx: Context, key: str, mime: str, caption: str = "", source: str | None = None,
            size: tuple[int, int] | None = None, on_board: bool = True) -> Reply:
    """A picture someone sent (already kept): an image pin, the caption's first line its title, the rest its
    description, a link in the caption its source (else the picture itself is)."""
    first, _, rest = caption.strip().partition("\n")
    url = source or ctx.settings.page_url(f"/media/{key}")
    pin, created = pin_service.create(ctx.session, ctx.person, url, first.strip()[: pin_service.MAX_TITLE] or "A picture",
                                      description=rest.strip()[: pin_service.MAX_DESCRIPTION])
    if not pin.picture_key:
        pin.picture_key, pin.picture_type = key, mime
        pin.picture_width, pin.picture_height = size or (None, None)
    if source is None:
        pin.unfurl_state = "done"  # the picture is the pin: no page to read
    card = views.pin_card(ctx.settings, pin)
    if not on_board:  # from a private conversation: only its saver sees it until they put it on a board
        return Reply(rich(_pinned(created, card.ref, pin.title), " — ", tr(
            "it came from a private conversation, so it is on none of your boards yet: {command} puts it on one.",
            command=Command(f"save {card.ref}"))), items=(card,))
    board_service.save(ctx.session, ctx.person, pin)
    return Reply(_pinned(created, card.ref, pin.title), items=(card,), shared=True)


def save(ctx: Context, pin: str, board: str | None = None) -> Reply:
    """Save a pin you can see to one of your boards; twice is harmless."""
    found = pin_service.visible(ctx.session, ctx.person, pin)
    saved_to, added = board_service.save(ctx.session, ctx.person, found, board)
    where = tr("your board “{board}”", board=saved_to.name)
    text = (tr("Saved {pin} to {where}.", pin=f"p{found.id}", where=where) if added
            else tr("{pin} is already on {where}.", pin=f"p{found.id}", where=where))
    return Reply(text, items=(views.pin_card(ctx.settings, found),))


def boards(ctx: Context) -> Reply:
    """Your boards with their pin counts."""
    listing = board_service.listing(ctx.session, ctx.person, ctx.person)
    if not listing:
        return Reply(tr("You have no boards yet — {command} makes one.", command=Command("board new Trips")))
    rows = tuple(BoardRow(b.name, n, b.secret, b.is_default, views.board_url(ctx.settings, b)) for b, n in listing)
    lines = [rich(f"• {r.name} — ", pin_count(r.pin_count), tr(" (secret)") if r.secret else "") for r in rows]
    return Reply(rich(tr("Your boards:"), "\n", listed(lines)), items=rows)


def pin_count(n: int) -> Text:
    """"1 pin", "3 pins"."""
    return trn("{n} pin", "{n} pins", n)


def board(ctx: Context, name: str, owner: PersonRef | None = None) -> Reply:
    """One board with its latest pins: yours, or `@owner name` for someone else's."""
    whose = ctx.person_of(owner) if owner else ctx.person
    found = board_service.get(ctx.session, whose, name, ctx.person)
    card = views.board_card(ctx.session, ctx.settings, found)
    lines = [rich(f"{p.ref} {p.title}") for p in card.pins] or [tr("(no pins yet)")]
    head = rich(f"@{card.owner_handle}/{card.name} — ", pin_count(card.pin_count))
    return Reply(rich(head, "\n", listed(lines)), items=(card,))


def board_new(ctx: Context, name: str, secret: bool = False) -> Reply:
    """Create a board, optionally secret."""
    created = board_service.create(ctx.session, ctx.person, name, secret)
    if secret:
        return Reply(tr("Created your secret board “{board}”.", board=created.name))
    return Reply(tr("Created your board “{board}”.", board=created.name))


def search(ctx: Context, words: str) -> Reply:
    """Pins matching every word, best first."""
    found = search_service.search(ctx.session, ctx.person, words, limit=SEARCH_PAGE)
    if not found:
        return Reply(tr("No pins match “{words}”.", words=words.strip()[:60]))
    cards = tuple(views.pin_card(ctx.settings, p) for p in found)
    lines = "\n".join(f"{c.ref} {c.title} — {c.url}" for c in cards)
    return Reply(rich(tr("Pins matching “{words}”:", words=words.strip()[:60]), "\n", lines), items=cards)

