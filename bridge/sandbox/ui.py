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
from bridge.sandbox.slack_pane import SlackPane
from bridge.sandbox.telegram_pane import TelegramPane
from core.db import transaction
from core.models import Person

API = "/sandbox/ui"
# Only our own script runs; pin images and avatars may come from any web host.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' http: https:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def stands_in(config, platform: str) -> bool:
    """Whether the sandbox plays this platform (its API base URL points at the stand-in)."""
    section = getattr(config, platform)
    return section.enabled and section.api_base_url.startswith(config.http.public_url.rstrip("/") + "/sandbox/")


def panes(sandbox, services) -> tuple[SlackPane | None, TelegramPane | None]:
    """A pane for each platform the sandbox plays."""
    config, base = services.config, services.config.http.public_url.rstrip("/")
    slack = telegram = None
    if stands_in(config, "slack"):
        slack = SlackPane(sandbox.slack, f"{base}/slack/events", f"{base}/sandbox/slack", config.slack.signing_secret,
                          config.slack.command, services.sessions)
    if stands_in(config, "telegram"):
        telegram = TelegramPane(sandbox.telegram, f"{base}/telegram/webhook", config.telegram.webhook_secret,
                                config.telegram.mode == "polling", services.sessions)
    return slack, telegram


def blueprint(sandbox, services) -> Blueprint:
    """GET / (the page) and /sandbox/ui/… (what its script calls)."""
    slack, telegram = panes(sandbox, services)
    bp = Blueprint("sandbox_page", __name__, template_folder="../templates")

    def pane(name: str):
        found = slack if name == "slack" else telegram if name == "telegram" else None
        if found is None:
            raise Refused(f"The sandbox does not play {name} in this process.", 404)
        return found

    def body() -> dict:
        found = request.get_json(silent=True)
        return found if isinstance(found, dict) else {}

    @bp.before_request
    def json_only():
        # A cross-site form cannot send JSON, so only this page's own script can act for its people.
        if request.method == "POST" and not request.is_json:
            return jsonify(error="send JSON (Content-Type: application/json)"), 415
        return None

    @bp.after_request
    def harden(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @bp.errorhandler(Refused)
    def refused(error: Refused):
        return jsonify(error=error.message), error.status

    @bp.get("/")
    def page():
        return render_template(
            "sandbox/index.html", slack_live=slack is not None, telegram_live=telegram is not None,
            command=services.config.slack.command, bot_username=sandbox.telegram.bot_username,
            workspace=sandbox.slack.team_name, public_url=services.config.http.public_url,
        )

    @bp.get(f"{API}/feed")
    def feed():
        """Both panes at once: who exists, and what the two chosen people see now."""
        return jsonify(
            slack=_side(slack, request.args.get("slack")), telegram=_side(telegram, request.args.get("telegram")),
            people_in_database=_people_count(services.sessions),
        )

    @bp.post(f"{API}/<platform>/people")
    def add_person(platform: str):
        return jsonify(pane(platform).add_person(body().get("name"))), 201

    @bp.post(f"{API}/slack/type")
    def slack_type():
        given = body()
        pane("slack").type(given.get("user"), given.get("text"), given.get("thread_ts"))
        return jsonify(ok=True)

    @bp.post(f"{API}/slack/click")
    def slack_click():
        given = body()
        action = given.get("action")
        pane("slack").click(given.get("user"), action if isinstance(action, dict) else {})
        return jsonify(ok=True)

    @bp.post(f"{API}/slack/submit")
    def slack_submit():
        given = body()
        return jsonify(pane("slack").submit(given.get("user"), given.get("view_id"), given.get("values")))

    @bp.post(f"{API}/slack/close")
    def slack_close():
        given = body()
        pane("slack").close(given.get("user"), given.get("view_id"))
        return jsonify(ok=True)

    @bp.post(f"{API}/telegram/send")
    def telegram_send():
        given = body()
        pane("telegram").send(given.get("user"), given.get("text"), given.get("reply_to"))
        return jsonify(ok=True)

    @bp.post(f"{API}/telegram/press")
    def telegram_press():
        given = body()
        pane("telegram").press(given.get("user"), given.get("message_id"), given.get("data"))
        return jsonify(ok=True)

    @bp.post(f"{API}/digests")
    def run_digests():
        """Queue a digest now for everyone with unread messages; the worker sends them."""
        queued = digests.run_due(services.sessions, services.config.digests.default, everyone=True)
        return jsonify(queued=queued)

    @bp.post(f"{API}/reset")
    def reset():
        """Start over: no people, no messages, an empty database."""
        for found in (slack, telegram):
            if found is not None:
                found.clear()
        delete_everything(services.db)
        webhook = sandbox.telegram.webhook()  # registered by the bot at start-up; keep it
        sandbox.slack.reset()
        sandbox.telegram.reset()
        if webhook is not None:
            sandbox.telegram.set_webhook(webhook)
        return jsonify(ok=True)

    return bp


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
    with transaction(sessions) as session:
        return session.scalar(select(func.count()).select_from(Person)) or 0
