"""The App Home tab as Block Kit: a person's inbox, boards, digest, delivery and accounts, in their language — pure.

Every button carries a plain reference (c3) or a choice (a schedule, a platform) that the
engine checks again, through the same commands people type (`read`, `dismiss`, `digest …`,
`deliver …`, `link`), so a forged value gains nothing.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock, Block, CheckboxesElement, DividerBlock, HeaderBlock, InputBlock, MarkdownTextObject, Option,
    PlainTextInputElement, PlainTextObject, SectionBlock, StaticSelectElement,
)
from slack_sdk.models.views import View

from adapters.slack import cards
from adapters.slack.mrkdwn import clip, escape
from adapters.slack.rich import filled, mrkdwn
from core.boards import DEFAULT_BOARD, MAX_NAME
from core.home import HomeView
from core.i18n import rendered_for, words
from core.results import BoardRow, ConversationRow
from core.text import Command, Text, rich, tr, trn

# action ids of the Home tab's buttons and menus
OPEN, READ, DISMISS = "home_open", "home_read", "home_dismiss"
NEW_BOARD, DIGEST, DELIVER, LINK = "home_board_new", "home_digest", "home_deliver", "home_link"
NEW_BOARD_MODAL = "home_new_board"  # the New board form's callback_id
NAME_BLOCK, SECRET_BLOCK, SECRET = "name", "secret", "secret"
# https://api.slack.com/reference/surfaces/views: a Home tab holds "up to 100 blocks".
MAX_HOME_BLOCKS = 100
# https://api.slack.com/reference/block-kit/blocks#header: text "Maximum length ... is 150 characters".
HEADER_LIMIT = 150
# https://api.slack.com/reference/block-kit/composition-objects#option: text "Maximum length ... 75 characters".
OPTION_TEXT = 75
LAST_LINE = 300  # a conversation's last line, shortened: the whole of it is one Open away
DIGEST_WORDS = {"off": tr("Off"), "hourly": tr("Every hour"), "daily": tr("Every day"), "weekly": tr("Every week")}


@rendered_for(lambda view: view.language)  # the page is read by its person, in their language
def render_home(view: HomeView, command: str) -> dict:
    """The `view` argument of views.publish for one person's Home tab."""
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=clip(f"📌 Pinbridge — @{view.handle}", HEADER_LIMIT))),
        *cards.context(mrkdwn(tr("Your conversations, boards and settings. {command} lists every command.",
                                 command=Command("help")), command)),
        *_inbox(view, command), DividerBlock(), *_boards(view, command), DividerBlock(), *_settings(view),
    ]
    return View(type="home", blocks=blocks[:MAX_HOME_BLOCKS]).to_dict()


def _bold(text: Text) -> str:
    """The adapter's words as bold mrkdwn, in the reader's language."""
    return f"*{filled(text)}*"


def _more(n: int, listing: str, command: str) -> list[Block]:
    """"…and 3 more: `/pin inbox` lists them all."""
    return cards.context(mrkdwn(tr("…and {n} more: {command} lists them all.", n=n, command=Command(listing)), command))


def _inbox(view: HomeView, command: str) -> list[Block]:
    unread = sum(row.unread for row in view.conversations)
    head = _bold(tr("Inbox")) + (" — " + filled(trn("{n} unread", "{n} unread", unread)) if unread else "")
    if not view.conversations:
        return [*cards.sections(head), *cards.context(mrkdwn(
            tr("Nothing here yet. Send a pin: {command}.", command=Command("send p1 to @friend")), command))]
    blocks: list[Block] = [*cards.sections(head)]
    for row in view.conversations:
        blocks += _conversation(row)
    if view.more_conversations:
        blocks += _more(view.more_conversations, "inbox", command)
    return blocks


def _conversation(row: ConversationRow) -> list[Block]:
    buttons = [cards.button(tr("Open"), OPEN, row.ref, style="primary" if row.unread else None)]
    if row.unread:
        buttons.append(cards.button(tr("Mark read"), READ, row.ref))
    buttons.append(cards.button(tr("Dismiss"), DISMISS, row.ref))
    return [SectionBlock(text=MarkdownTextObject(text=cards.conversation_line(row, LAST_LINE))),
            ActionsBlock(block_id=f"conv_{row.ref}", elements=buttons)]


def _boards(view: HomeView, command: str) -> list[Block]:
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=_bold(tr("Boards"))),
                                        accessory=cards.button(tr("New board"), NEW_BOARD, "new"))]
    if not view.boards:
        return blocks + cards.context(filled(tr("No boards yet: a pin you save lands on “{board}”.",
                                                board=DEFAULT_BOARD)))
    for n, board in enumerate(view.boards):
        blocks.append(_board(board, n))
    if view.more_boards:
        blocks += _more(view.more_boards, "boards", command)
    return blocks


def _board(board: BoardRow, n: int) -> Block:
    pins = filled(trn("{n} pin", "{n} pins", board.pin_count))
    marks = (" · :lock: " + filled(tr("secret")) if board.secret else "") + (
        " · " + filled(tr("default")) if board.is_default else "")
    # A secret board's page is found by nobody, its owner included (pages have no sign-in): no link to it.
    opening = None if board.secret else cards.open_button(board.page_url, tr("Open"), f"_board{n}")
    return SectionBlock(text=MarkdownTextObject(text=f"*{escape(board.name)}* — {pins}{marks}"), accessory=opening)


def _option(value: str, label: str | Text) -> Option:
    return Option(value=value, label=clip(label if isinstance(label, str) else words(label), OPTION_TEXT))


def _settings(view: HomeView) -> list[Block]:
    options = [_option(text, words(DIGEST_WORDS.get(kind, rich(kind))) + ("" if kind == "off" else f" ({text})"))
               for kind, text in view.digest_choices]
    current = next((o for o, (kind, _) in zip(options, view.digest_choices) if kind == view.digest_kind), None)
    digest = _bold(tr("Digest of unread messages:")) + " " + escape(view.digest) + (
        " " + filled(tr("(the default)")) if view.digest_is_default else "")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=digest), accessory=StaticSelectElement(
        action_id=DIGEST, placeholder=words(tr("Change")), options=options, initial_option=current))]
    blocks += _delivery(view)
    accounts = " · ".join(f"{escape(a.title)}" + (f" ({escape(a.username)})" if a.username else "") for a in view.accounts)
    others = [title for name, title in view.platforms if name not in {a.platform for a in view.accounts}]
    hint = "\n" + filled(tr("Link your {platforms} account to get your messages there too.",
                            platforms=_either(others))) if others else ""
    blocks.append(SectionBlock(text=MarkdownTextObject(text=_bold(tr("Accounts:")) + f" {accounts}{hint}"),
                               accessory=cards.button(tr("Link an account"), LINK, "link")))
    return blocks


def _either(names: list[str]) -> Text:
    """"Telegram", "Telegram or Discord", … in the reader's language."""
    either = rich(names[0])
    for name in names[1:]:
        either = tr("{one} or {other}", one=either, other=name)
    return either


def _delivery(view: HomeView) -> list[Block]:
    linked = list(dict.fromkeys(a.platform for a in view.accounts))
    if len(linked) < 2:
        return []  # one account: its messages can go nowhere else
    titles = dict(view.platforms)
    options = [_option(name, titles.get(name, name)) for name in linked] + [_option("all", tr("All of them"))]
    chosen = view.delivery[0] if len(view.delivery) == 1 else ("all" if not view.delivery else None)
    current = next((o for o in options if o.value == chosen), None)
    where = ", ".join(escape(titles.get(name, name)) for name in view.delivery) or filled(tr("every linked account"))
    return [SectionBlock(text=MarkdownTextObject(text=_bold(tr("Messages arrive on:")) + f" {where}"),
                         accessory=StaticSelectElement(action_id=DELIVER, placeholder=words(tr("Change")),
                                                       options=options, initial_option=current))]


def new_board_modal() -> View:
    """The New board form: a name and whether only you see it (in the language being rendered in)."""
    name = InputBlock(block_id=NAME_BLOCK, label=words(tr("Name")), element=PlainTextInputElement(
        action_id="value", max_length=MAX_NAME, placeholder=words(tr("Trips"))))
    secret = InputBlock(block_id=SECRET_BLOCK, label=words(tr("Privacy")), optional=True, element=CheckboxesElement(
        action_id="value", options=[_option(SECRET, tr("Secret — only you see it"))]))
    return View(type="modal", callback_id=NEW_BOARD_MODAL, title=PlainTextObject(text=words(tr("New board"))),
                submit=PlainTextObject(text=words(tr("Create"))), close=PlainTextObject(text=words(tr("Cancel"))),
                blocks=[name, secret])


def new_board_submission(view: dict) -> tuple[str, bool] | None:
    """(name, secret) from a submitted New board form; None when its state is missing (a broken payload)."""
    values = ((view or {}).get("state") or {}).get("values")
    if not isinstance(values, dict):
        return None
    name = ((values.get(NAME_BLOCK) or {}).get("value") or {}).get("value")
    picked = ((values.get(SECRET_BLOCK) or {}).get("value") or {}).get("selected_options") or []
    secret = any(isinstance(o, dict) and o.get("value") == SECRET for o in picked)
    return (name.strip(), secret) if isinstance(name, str) else ("", secret)


def selected(body: dict) -> str:
    """The value a Home tab menu was set to (a static_select's selected_option)."""
    action = (body.get("actions") or [{}])[0]
    option = action.get("selected_option") if isinstance(action, dict) else None
    return str(option.get("value") or "") if isinstance(option, dict) else ""
