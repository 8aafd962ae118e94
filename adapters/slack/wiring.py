"""Slack in a process: the Bolt app behind POST /slack/events, OAuth install pages, and the sender."""

from __future__ import annotations

from flask import Blueprint, Response, request
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from adapters.slack import inbound
from adapters.slack import install as slack_install
from adapters.slack.app import build_app
from adapters.slack.dms import DirectMessages
from adapters.slack.sender import SlackSender
from adapters.slack.tokens import BotTokens
from adapters.slack.settings import SlackSettings
from adapters.slack.workqueue import WorkQueue
from core.platforms import Host, Installed


def install(config: SlackSettings, host: Host) -> Installed:
    """Build Slack's Bolt app, Flask blueprint and delivery sender from the `slack:` section."""
    base_url = config.api_base_url.rstrip("/") + "/"
    oauth = config.install_mode == "oauth"
    token = None if oauth else config.bot_token
    settings = oauth_settings(config, host) if oauth else None
    store = settings.installation_store if settings is not None else None
    tokens = BotTokens(lambda team_id: _bot_token(store, team_id)) if store is not None else None
    dms = DirectMessages()  # one per process: the listeners and the sender learn each DM id for each other
    work = WorkQueue(threads=config.answer_threads, capacity=config.answer_queue)
    app = build_app(host.engine, config, WebClient(token=token, base_url=base_url), work, settings,
                    dms=dms, tokens=tokens, pictures=host.pictures)
    # The sender's client has no retry handlers: the worker, not a sleeping thread, decides when to retry.
    sender_client = WebClient(token=token, base_url=base_url, retry_handlers=[])
    sender = SlackSender(sender_client, tokens, dms, uninstalled=_forgetter(store, tokens), command=config.command)
    return Installed(sender=sender, blueprint=blueprint(app, oauth, config.signing_secret),
                     stop=work.stop, figures=work.figures)


def _forgetter(store: SQLAlchemyInstallationStore | None, tokens: BotTokens | None):
    """What the sender does when Slack says the app is gone from a workspace: the installation leaves the store."""

    def forget(team_id: str | None) -> None:
        if store is not None:
            store.delete_all(enterprise_id=None, team_id=team_id)
        if tokens is not None:
            tokens.forget(team_id)

    return forget


def oauth_settings(config: SlackSettings, host: Host) -> OAuthSettings:
    """"Add to Slack": installations and OAuth states kept in Pinbridge's database (migration 0004)."""
    return OAuthSettings(
        client_id=config.client_id, client_secret=config.client_secret, scopes=list(slack_install.BOT_SCOPES),
        installation_store=SQLAlchemyInstallationStore(client_id=config.client_id, engine=host.db),
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=slack_install.STATE_TTL_SECONDS, engine=host.db),
        install_path=slack_install.INSTALL_PATH, redirect_uri_path=slack_install.REDIRECT_PATH,
        redirect_uri=host.public_url.rstrip("/") + slack_install.REDIRECT_PATH,
    )


def _bot_token(store: SQLAlchemyInstallationStore, team_id: str | None) -> str | None:
    bot = store.find_bot(enterprise_id=None, team_id=team_id)
    return bot.bot_token if bot else None


def blueprint(app, oauth: bool, signing_secret: str) -> Blueprint:
    """POST /slack/events for everything Slack sends; in OAuth mode, the install and redirect pages."""
    handler = SlackRequestHandler(app)
    bp = Blueprint("slack", __name__)

    @bp.post(slack_install.EVENTS_PATH)
    def events():
        refused = inbound.check(request.get_data(as_text=True), request.headers, request.mimetype or None, signing_secret)
        if refused is not None:
            return Response(refused.reason, status=refused.status, mimetype="text/plain")
        return handler.handle(request)

    if oauth:
        bp.add_url_rule(slack_install.INSTALL_PATH, "install", lambda: handler.handle(request))
        bp.add_url_rule(slack_install.REDIRECT_PATH, "oauth_redirect", lambda: handler.handle(request))
    return bp
