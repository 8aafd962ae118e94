"""The newcomer's minute, in headless Chromium: Alice on Slack, Bob on Telegram, the real server.

Set PINBRIDGE_SCREENSHOT=1 to rewrite bridge/static/sandbox.png (the README's picture)
from the middle of the conversation; normal runs leave the committed file alone.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest

from tests.bridge.sandbox_server import ROOT, ServedPinbridge

CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = os.environ.get("PINBRIDGE_REQUIRE_BROWSER") == "1"  # set by .ci/run: CI must run these
if not CHROMIUM.exists():
    message = "Chromium is not installed at /usr/bin/chromium (Debian: apt-get install chromium)"
    if REQUIRED:
        raise RuntimeError(message)
    pytest.skip(message, allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing: pip install -r requirements.txt")
expect = playwright.expect

ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 20_000  # a bound on waiting for the worker and the bot, never an assertion about speed
SCREENSHOT = ROOT / "bridge" / "static" / "sandbox.png"
HOSTILE = "<script>alert(1)</script> & <b>x</b>"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = ServedPinbridge(tmp_path_factory.mktemp("sandbox-browser"))
    yield served
    assert served.stop() == 0, "Pinbridge did not shut down cleanly"


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(server, browser):
    """The sandbox page on a fresh sandbox; any dialog (an alert()) or script error fails the test."""
    assert httpx.post(f"{server.url}/sandbox/ui/reset", json={}).status_code == 200
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(WAIT_MS)
    tab = context.new_page()
    dialogs, errors = [], []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(server.url + "/")
    yield tab
    context.close()
    assert dialogs == [], f"the page opened dialogs: {dialogs}"
    assert errors == [], f"the page's script failed: {errors}"


def slack_says(page, text: str) -> None:
    page.fill("#slack-input", text)
    page.press("#slack-input", "Enter")


def telegram_says(page, text: str) -> None:
    page.fill("#telegram-input", text)
    page.press("#telegram-input", "Enter")


def add_person(page, pane: str, name: str) -> None:
    page.fill(f"#{pane}-new-name", name)
    page.click(f"#{pane}-add button")
    expect(page.locator(f"#{pane}-user option:checked")).to_contain_text(name.title())


def become_friends(page) -> None:
    """Bob opens the bot, then the two follow each other by typing commands in their panes."""
    page.click("#telegram-start")
    expect(page.locator("#telegram-feed")).to_contain_text("Welcome to Pinbridge")
    slack_says(page, "/pin follow @bob")
    expect(page.locator("#slack-feed")).to_contain_text("You follow @bob")
    telegram_says(page, "/follow @alice")
    expect(page.locator("#telegram-feed")).to_contain_text("follow each other")


def test_alice_sends_a_pin_bob_saves_it_and_they_talk(page, server):
    add_person(page, "slack", "alice")
    add_person(page, "telegram", "bob")
    become_friends(page)
    slack_says(page, "/pin new https://example.com/boots Hiking boots")
    expect(page.locator("#slack-feed")).to_contain_text("Pinned p1")
    slack_says(page, "/pin send p1 to @bob Look!")

    card = page.locator("#telegram-feed .tg-row", has_text="Look!").last
    expect(card).to_contain_text("Hiking boots")
    card.locator(".tg-keyboard").get_by_role("button", name=re.compile("Save")).click()
    expect(page.locator("#telegram-toasts")).to_contain_text("Saved")

    card.locator(".tg-keyboard").get_by_role("button", name=re.compile("Reply")).click()
    expect(page.locator("#telegram-replying")).to_be_visible()  # the bot asked for a reply (ForceReply)
    telegram_says(page, "Love them! Are they waterproof?")
    bobs = page.locator("#slack-feed .sk-msg", has_text="Love them!").last
    expect(bobs).to_be_visible()

    bobs.get_by_role("button", name="Reply", exact=True).click()
    modal = page.locator("#slack-modal")
    modal.locator("textarea").fill("Yes — and they come with a spare pair of laces.")
    modal.get_by_role("button", name="Send").click()
    expect(modal.locator("h2")).to_contain_text("Replied")
    expect(page.locator("#telegram-feed")).to_contain_text("spare pair of laces")
    modal.get_by_role("button", name="Close", exact=True).first.click()
    expect(modal).to_be_hidden()
    if os.environ.get("PINBRIDGE_SCREENSHOT") == "1":
        expect(page.locator(".tg-toast, .notice")).to_have_count(0)  # notices fade: a calm picture
        page.mouse.move(0, 0)
        page.screenshot(path=str(SCREENSHOT))

    page.click("#run-digests")
    expect(page.locator("#notice")).to_contain_text("Queued")
    expect(page.locator(".pane .feed").filter(has_text=re.compile(r"\d+ unread messages?")).first).to_be_visible()

    page.goto(server.url + "/p/1")
    expect(page.locator("h1")).to_have_text("Hiking boots")
    expect(page.locator('a[href="https://example.com/boots"]').first).to_be_visible()


def test_a_hostile_title_is_shown_as_text_in_both_panes_and_on_the_pin_page(page, server):
    page.click("#demo-people")
    expect(page.locator("#slack-user option:checked")).to_contain_text("Alice")
    expect(page.locator("#telegram-user option:checked")).to_contain_text("Bob")
    become_friends(page)
    slack_says(page, f"/pin new https://example.com/x {HOSTILE}")
    expect(page.locator("#slack-feed")).to_contain_text(HOSTILE)
    slack_says(page, "/pin send p1 to @bob")
    expect(page.locator("#telegram-feed")).to_contain_text(HOSTILE)
    for feed in ("#slack-feed", "#telegram-feed"):
        assert page.locator(f"{feed} script").count() == 0
        assert page.locator(f"{feed} b", has_text=re.compile(r"^x$")).count() == 0

    page.goto(server.url + "/p/1")
    expect(page.locator("h1")).to_have_text(HOSTILE)
    assert page.locator("main script").count() == 0


def test_the_panes_draw_only_telegrams_tags_and_slacks_markup_never_script(page):
    drawn = page.evaluate("""async () => {
        const { telegramHtml } = await import("/assets/sandbox/telegram.js");
        const { mrkdwn } = await import("/assets/sandbox/slack.js");
        const tg = telegramHtml('<b>bold</b> <img src=x onerror=alert(1)><script>alert(2)</script>' +
                                '<a href="javascript:alert(3)">js</a> <a href="https://ok.test/">ok</a> &lt;i&gt;');
        const sk = mrkdwn('*<javascript:alert(4)|click>* <https://ok.test/|fine> &lt;b&gt;x&lt;/b&gt;');
        const shape = (node) => ({
            tags: [...node.querySelectorAll("*")].map((n) => n.localName),
            hrefs: [...node.querySelectorAll("a")].map((a) => a.getAttribute("href")),
            text: node.textContent,
        });
        return { tg: shape(tg), sk: shape(sk) };
    }""")
    assert drawn["tg"]["tags"] == ["b", "span", "a"]
    assert drawn["tg"]["hrefs"] == ["https://ok.test/"]
    assert drawn["tg"]["text"] == "bold alert(2)js ok <i>"
    assert "a" in drawn["sk"]["tags"] and "script" not in drawn["sk"]["tags"]
    assert drawn["sk"]["hrefs"] == ["https://ok.test/"]
    assert drawn["sk"]["text"] == "click fine <b>x</b>"


def test_each_way_of_making_a_pin_is_one_click_on_the_page(page):
    add_person(page, "telegram", "bob")
    page.fill("#telegram-input", "For the weekend")
    page.click("#telegram-hints [data-sample=ridge]")  # the message box is the caption
    expect(page.locator("#telegram-feed")).to_contain_text("Pinned p1: For the weekend")
    page.click("#telegram-hints [data-post=huts]")
    expect(page.locator("#telegram-feed")).to_contain_text("Pinned p2")
    telegram_says(page, "and https://example.com/boots")
    expect(page.locator("#telegram-feed")).to_contain_text("Pinned p3")

    add_person(page, "slack", "alice")
    page.click("#slack-new-pin")
    modal = page.locator("#slack-modal")
    expect(modal.locator("h2")).to_contain_text("New pin")
    modal.locator("input[type=url]").fill("https://example.com/tent")
    modal.get_by_role("button", name="Pin").click()
    expect(modal.locator("h2")).to_contain_text("Pinned")
    modal.get_by_role("button", name="Close", exact=True).first.click()
    expect(modal).to_be_hidden()


def test_edits_deletes_and_a_language_switch_are_each_a_click_on_the_page(page):
    add_person(page, "slack", "alice")
    page.select_option("#telegram-new-language", "es")  # Bob's Telegram app is in Spanish
    add_person(page, "telegram", "bob")
    page.click("#telegram-start")
    expect(page.locator("#telegram-feed")).to_contain_text("Te damos la bienvenida")
    slack_says(page, "/pin follow @bob")
    telegram_says(page, "/follow @alice")
    expect(page.locator("#telegram-feed")).to_contain_text("Ahora os seguís")
    slack_says(page, "/pin send https://example.com/boots to @bob Look!")
    card = page.locator("#telegram-feed .tg-row", has_text="Look!").last
    card.get_by_role("button", name="Reply to message").click()
    telegram_says(page, "Love tehm")
    expect(page.locator("#slack-feed")).to_contain_text("Love tehm")

    mine = page.locator("#telegram-feed .tg-row.mine", has_text="Love tehm").last
    mine.get_by_role("button", name=re.compile("^Edit message")).click()
    expect(page.locator("#telegram-editing")).to_be_visible()
    page.fill("#telegram-input", "Love them")
    page.press("#telegram-input", "Enter")
    expect(page.locator("#slack-feed")).to_contain_text("Love them")
    expect(page.locator("#slack-feed")).not_to_contain_text("Love tehm")

    page.locator("#telegram-feed .tg-row.mine", has_text="Love them").last.get_by_role(
        "button", name=re.compile("everywhere")).click()
    expect(page.locator("#slack-feed .sk-msg", has_text="Love them")).to_have_count(0)

    telegram_says(page, "/language en")
    expect(page.locator("#telegram-feed")).to_contain_text("I'll answer you in English from now on.")
