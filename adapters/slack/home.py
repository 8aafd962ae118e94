"""The App Home tab as Block Kit: a person's inbox, boards, digest, delivery and accounts — pure.

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
from core.boards import MAX_NAME
from core.home import HomeView
from core.results import BoardRow, ConversationRow

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
DIGEST_WORDS = {"off": "Off", "hourly": "Every hour", "daily": "Every day", "weekly": "Every week"}


def render_home(view: HomeView, command: str) -> dict:
    """The `view` argument of views.publish for one person's Home tab."""
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=clip(f"📌 Pinbridge — @{view.handle}", HEADER_LIMIT))),
        *cards.context(f"Your conversations, boards and settings. `{escape(command)} help` lists every command."),
        *_inbox(view, command), DividerBlock(), *_boards(view, command), DividerBlock(), *_settings(view),
    ]
    return View(type="home", blocks=blocks[:MAX_HOME_BLOCKS]).to_dict()


def _inbox(view: HomeView, command: str) -> list[Block]:
    unread = sum(row.unread for row in view.conversations)
    head = "*Inbox*" + (f" — {unread} unread" if unread else "")
    if not view.conversations:
        return [*cards.sections(head), *cards.context(
            f"Nothing here yet. Send a pin: `{escape(command)} send p1 to @friend`.")]
    blocks: list[Block] = [*cards.sections(head)]
    for row in view.conversations:
        blocks += _conversation(row)
    if view.more_conversations:
        blocks += cards.context(f"…and {view.more_conversations} more: `{escape(command)} inbox` lists them all.")
    return blocks


def _conversation(row: ConversationRow) -> list[Block]:
    who = ", ".join(f"@{escape(handle)}" for handle in row.participants) or "just you"
    count = f" — *{row.unread} unread*" if row.unread else ""
    text = f"*{escape(row.ref)}* with {who}{count}\n{escape(clip(row.last_line, LAST_LINE))}"
    buttons = [cards.button("Open", OPEN, row.ref, style="primary" if row.unread else None)]
    if row.unread:
        buttons.append(cards.button("Mark read", READ, row.ref))
    buttons.append(cards.button("Dismiss", DISMISS, row.ref))
    return [SectionBlock(text=MarkdownTextObject(text=text)), ActionsBlock(block_id=f"conv_{row.ref}", elements=buttons)]


def _boards(view: HomeView, command: str) -> list[Block]:
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="*Boards*"),
                                        accessory=cards.button("New board", NEW_BOARD, "new"))]
    if not view.boards:
        return blocks + cards.context("No boards yet: a pin you save lands on “Saved”.")
    for n, board in enumerate(view.boards):
        blocks.append(_board(board, n))
    if view.more_boards:
        blocks += cards.context(f"…and {view.more_boards} more: `{escape(command)} boards` lists them all.")
    return blocks


def _board(board: BoardRow, n: int) -> Block:
    pins = f"{board.pin_count} pin{'s' * (board.pin_count != 1)}"
    marks = (" · :lock: secret" if board.secret else "") + (" · default" if board.is_default else "")
    # A secret board's page is found by nobody, its owner included (pages have no sign-in): no link to it.
    opening = None if board.secret else cards.open_button(board.page_url, "Open", f"_board{n}")
    return SectionBlock(text=MarkdownTextObject(text=f"*{escape(board.name)}* — {pins}{marks}"), accessory=opening)


def _option(value: str, label: str) -> Option:
    return Option(value=value, label=clip(label, OPTION_TEXT))


def _settings(view: HomeView) -> list[Block]:
    options = [_option(text, f"{DIGEST_WORDS.get(kind, kind)}" + ("" if kind == "off" else f" ({text})"))
               for kind, text in view.digest_choices]
    current = next((o for o, (kind, _) in zip(options, view.digest_choices) if kind == view.digest_kind), None)
    digest = f"*Digest of unread messages:* {escape(view.digest)}" + (" (the default)" if view.digest_is_default else "")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=digest), accessory=StaticSelectElement(
        action_id=DIGEST, placeholder="Change", options=options, initial_option=current))]
    blocks += _delivery(view)
    accounts = " · ".join(f"{escape(a.title)}" + (f" ({escape(a.username)})" if a.username else "") for a in view.accounts)
    others = [title for name, title in view.platforms if name not in {a.platform for a in view.accounts}]
    hint = f"\nLink your {' or '.join(escape(t) for t in others)} account to get your messages there too." if others else ""
    blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*Accounts:* {accounts}{hint}"),
                               accessory=cards.button("Link an account", LINK, "link")))
    return blocks


def _delivery(view: HomeView) -> list[Block]:
    linked = list(dict.fromkeys(a.platform for a in view.accounts))
    if len(linked) < 2:
        return []  # one account: its messages can go nowhere else
    titles = dict(view.platforms)
    options = [_option(name, titles.get(name, name)) for name in linked] + [_option("all", "All of them")]
    chosen = view.delivery[0] if len(view.delivery) == 1 else ("all" if not view.delivery else None)
    current = next((o for o in options if o.value == chosen), None)
    where = ", ".join(escape(titles.get(name, name)) for name in view.delivery) or "every linked account"
    return [SectionBlock(text=MarkdownTextObject(text=f"*Messages arrive on:* {where}"), accessory=StaticSelectElement(
        action_id=DELIVER, placeholder="Change", options=options, initial_option=current))]


def new_board_modal() -> View:
    """The New board form: a name and whether only you see it."""
    name = InputBlock(block_id=NAME_BLOCK, label="Name", element=PlainTextInputElement(
        action_id="value", max_length=MAX_NAME, placeholder="Trips"))
    secret = InputBlock(block_id=SECRET_BLOCK, label="Privacy", optional=True, element=CheckboxesElement(
        action_id="value", options=[_option(SECRET, "Secret — only you see it")]))
    return View(type="modal", callback_id=NEW_BOARD_MODAL, title=PlainTextObject(text="New board"),
                submit=PlainTextObject(text="Create"), close=PlainTextObject(text="Cancel"), blocks=[name, secret])


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
