"""The sandbox page at / and the small JSON API its script calls (mounted only with the sandbox on).

Every action goes through Pinbridge's real endpoints (slack_pane.py, telegram_pane.py);
this module routes the page's requests to the two panes, runs digests and resets.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from sqlalchemy import func, select

from bridge import digests
from bridge.sandbox.pane import Refused
from bridge.sandbox.reset import delete_everything
from bridge.sandbox.slack_channel import SlackChannel
from bridge.sandbox.slack_home_pane import HomePane
from bridge.sandbox.slack_pane import SlackPane
from bridge.sandbox.telegram_pane import TelegramPane
from core.db import reading
from core.models import Person

API = "/sandbox/ui"
# Only our own script runs; pin images and avatars may come from any web host.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' http: https:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _json_body() -> dict:
    found = request.get_json(silent=True)
    return found if isinstance(found, dict) else {}


class SandboxPage:
    """The views of the page and its API, over one pane per platform the sandbox plays."""

    def __init__(self, sandbox, services):
        self.sandbox, self.services = sandbox, services
        config, base = services.config, services.config.http.public_url.rstrip("/")
        self.slack = self.telegram = None
        if "slack" in sandbox.plays:
            self.slack = SlackPane(sandbox.slack, f"{base}/slack/events", f"{base}/sandbox/slack",
                                   config.slack.signing_secret, config.slack.command, services.sessions)
            self.channel = SlackChannel(self.slack)  # #general, where links get their previews
            self.home = HomePane(self.slack)  # the app's Home tab of whoever is signed in
        if "telegram" in sandbox.plays:
            self.telegram = TelegramPane(sandbox.telegram, f"{base}/telegram/webhook", config.telegram.webhook_secret,
                                         config.telegram.mode == "polling", services.sessions)

    def pane(self, platform: str):
        """The pane of a platform the sandbox plays, or a 404 refusal."""
        found = {"slack": self.slack, "telegram": self.telegram}.get(platform)
        if found is None:
            raise Refused(f"The sandbox does not play {platform} in this process.", 404)
        return found

    def page(self):
        """GET /: the two panes."""
        config = self.services.config
        return render_template(
            "sandbox/index.html", slack_live=self.slack is not None, telegram_live=self.telegram is not None,
            command=config.slack.command, bot_username=self.sandbox.telegram.bot_username,
            workspace=self.sandbox.slack.team_name, public_url=config.http.public_url,
        )

    def feed(self):
        """Both panes at once: who exists, and what the two chosen people see now."""
        return jsonify(
            slack=_side(self.slack, request.args.get("slack")),
            telegram=_side(self.telegram, request.args.get("telegram")),
            people_in_database=_people_count(self.services.sessions),
        )

    def add_person(self, platform: str):
        """A new person on one platform."""
        given = _json_body()
        return jsonify(self.pane(platform).add_person(given.get("name"), given.get("language"))), 201

    def slack_type(self):
        """What someone typed in the Slack composer: a slash command or a (thread) message."""
        given = _json_body()
        self.pane("slack").type(given.get("user"), given.get("text"), given.get("thread_ts"))
        return jsonify(ok=True)

    def slack_click(self):
        """A Block Kit button pressed."""
        given = _json_body()
        action = given.get("action")
        self.pane("slack").click(given.get("user"), action if isinstance(action, dict) else {})
        return jsonify(ok=True)

    def slack_submit(self):
        """A modal submitted: {} or {"errors": {block_id: message}}."""
        given = _json_body()
        return jsonify(self.pane("slack").submit(given.get("user"), given.get("view_id"), given.get("values")))

    def slack_channel(self):
        """#general as everyone there sees it, link previews included."""
        return jsonify(self._channel().feed())

    def slack_channel_post(self):
        """Someone posts in #general ({user, text}); Pinbridge's links in it get previews."""
        given = _json_body()
        return jsonify(self._channel().say(given.get("user"), given.get("text")))

    def _channel(self) -> SlackChannel:
        self.pane("slack")  # a 404 refusal when the sandbox does not play Slack
        return self.channel

    def slack_home(self):
        """The Home tab as Pinbridge last published it for ?user= (null before the first publish)."""
        self.pane("slack")
        return jsonify(home=self.home.feed(request.args.get("user")))

    def slack_home_open(self):
        """The person opens the app's Home tab ({user, tab}): Slack sends app_home_opened."""
        given = _json_body()
        self.pane("slack")
        self.home.open(given.get("user"), given.get("tab") or "home")
        return jsonify(ok=True)

    def slack_home_click(self):
        """A button or menu in the Home tab ({user, action})."""
        given = _json_body()
        action = given.get("action")
        self.pane("slack")
        self.home.click(given.get("user"), action if isinstance(action, dict) else {})
        return jsonify(ok=True)

    def slack_close(self):
        """A modal cancelled or closed."""
        given = _json_body()
        self.pane("slack").close(given.get("user"), given.get("view_id"))
        return jsonify(ok=True)

    def telegram_send(self):
        """Text sent to the bot, optionally as a reply to one of its messages."""
        given = _json_body()
        self.pane("telegram").send(given.get("user"), given.get("text"), given.get("reply_to"))
        return jsonify(ok=True)

    def telegram_edit(self):
        """One of the person's messages edited (Telegram sends edited_message)."""
        given = _json_body()
        self.pane("telegram").edit(given.get("user"), given.get("message_id"), given.get("text"))
        return jsonify(ok=True)

    def telegram_delete(self):
        """One of the person's messages deleted (Telegram tells bots nothing: /delete is how)."""
        given = _json_body()
        self.pane("telegram").delete(given.get("user"), given.get("message_id"))
        return jsonify(ok=True)

    def slack_edit(self):
        """One of the person's DM messages edited (Slack sends message_changed)."""
        given = _json_body()
        self.pane("slack").edit(given.get("user"), given.get("ts"), given.get("text"))
        return jsonify(ok=True)

    def slack_delete(self):
        """One of the person's DM messages deleted (Slack sends message_deleted)."""
        given = _json_body()
        self.pane("slack").delete(given.get("user"), given.get("ts"))
        return jsonify(ok=True)

    def telegram_photo(self):
        """One of the sample pictures sent to the bot, with a caption."""
        given = _json_body()
        self.pane("telegram").send_photo(given.get("user"), given.get("sample"), given.get("caption"))
        return jsonify(ok=True)

    def telegram_forward(self):
        """A sample channel post forwarded to the bot."""
        given = _json_body()
        self.pane("telegram").forward(given.get("user"), given.get("post"))
        return jsonify(ok=True)

    def slack_shortcut(self):
        """A shortcut: "Save as pin" on a DM message (with its ts), or "New pin" (without)."""
        given = _json_body()
        if given.get("ts"):
            self.pane("slack").save_as_pin(given.get("user"), given.get("ts"))
        else:
            self.pane("slack").new_pin(given.get("user"))
        return jsonify(ok=True)

    def telegram_press(self):
        """An inline button tapped."""
        given = _json_body()
        self.pane("telegram").press(given.get("user"), given.get("message_id"), given.get("data"))
        return jsonify(ok=True)

    def run_digests(self):
        """Queue a digest now for everyone with unread messages; the worker sends them."""
        queued = digests.run_due(self.services.sessions, self.services.config.digests.default, everyone=True)
        return jsonify(queued=queued)

    def reset(self):
        """Start over: no people, no messages, an empty database (the sandbox exists only while no platform is real)."""
        for found in (self.slack, self.telegram):
            if found is not None:
                found.clear()
        delete_everything(self.services.db)
        webhook = self.sandbox.telegram.webhook()  # the bot registered it at start-up; keep it
        self.sandbox.slack.reset()
        self.sandbox.telegram.reset()
        if webhook is not None:
            self.sandbox.telegram.set_webhook(webhook)
        return jsonify(ok=True)


ROUTES = (
    ("/", "page", "GET"), (f"{API}/feed", "feed", "GET"), (f"{API}/<platform>/people", "add_person", "POST"),
    (f"{API}/slack/type", "slack_type", "POST"), (f"{API}/slack/click", "slack_click", "POST"),
    (f"{API}/slack/submit", "slack_submit", "POST"), (f"{API}/slack/close", "slack_close", "POST"),
    (f"{API}/telegram/send", "telegram_send", "POST"), (f"{API}/telegram/press", "telegram_press", "POST"),
    (f"{API}/telegram/photo", "telegram_photo", "POST"), (f"{API}/telegram/forward", "telegram_forward", "POST"),
    (f"{API}/slack/shortcut", "slack_shortcut", "POST"),
    (f"{API}/slack/home", "slack_home", "GET"), (f"{API}/slack/home", "slack_home_open", "POST"),
    (f"{API}/slack/home/click", "slack_home_click", "POST"),
    (f"{API}/slack/channel", "slack_channel", "GET"), (f"{API}/slack/channel", "slack_channel_post", "POST"),
    (f"{API}/slack/edit", "slack_edit", "POST"), (f"{API}/slack/delete", "slack_delete", "POST"),
    (f"{API}/telegram/edit", "telegram_edit", "POST"), (f"{API}/telegram/delete", "telegram_delete", "POST"),
    (f"{API}/digests", "run_digests", "POST"), (f"{API}/reset", "reset", "POST"),
)


def blueprint(sandbox, services) -> Blueprint:
    """GET / (the page) and /sandbox/ui/… (what its script calls)."""
    views = SandboxPage(sandbox, services)
    bp = Blueprint("sandbox_page", __name__, template_folder="../templates")
    for rule, name, method in ROUTES:
        bp.add_url_rule(rule, name, getattr(views, name), methods=[method])
    bp.before_request(_json_only)
    bp.after_request(_harden)
    bp.register_error_handler(Refused, lambda error: (jsonify(error=error.message), error.status))
    return bp


def _json_only():
    # A cross-site form cannot send JSON, so only this page's own script can act for its people.
    if request.method == "POST" and not request.is_json:
        return jsonify(error="send JSON (Content-Type: application/json)"), 415
    return None


def _harden(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _side(found, user: str | None) -> dict:
    """One platform's part of the feed; an unknown user (e.g. after a reset) sees nothing."""
    if found is None:
        return {"live": False, "people": [], "feed": None}
    try:
        seen = found.feed(user) if user else None
    except Refused:
        seen = None
    return {"live": True, "people": found.people(), "feed": seen}


def _people_count(sessions) -> int:
    with reading(sessions) as session:
        return session.scalar(select(func.count()).select_from(Person)) or 0
