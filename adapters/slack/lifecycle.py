"""The app's own life in a workspace: the Events API's tokens_revoked and app_uninstalled.

Bolt passes both on without authorizing them (slack_bolt's no_auth_test_events: the token is
gone by then). In OAuth mode the installation leaves the store — Bolt's own
TokenRevocationListeners (delete_bot, delete_all) — and its cached token with it; from then on
the sender finds no installation for that team, so each of its accounts is marked unreachable
at its next delivery and nothing is retried. With a single bot token there is no store: the
event is logged, and Slack refuses the dead token (token_revoked), failing each delivery once.
"""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_sdk.oauth.installation_store import InstallationStore

from adapters.slack.payloads import event_key
from adapters.slack.runtime import Runtime, acknowledge
from adapters.slack.tokens import BotTokens

log = logging.getLogger(__name__)
EVENT_SOURCE = "slack_event"


class LifecycleListeners:
    """tokens_revoked and app_uninstalled, each handled once per event_id."""

    def __init__(self, runtime: Runtime, store: InstallationStore | None = None, tokens: BotTokens | None = None):
        self.rt, self.tokens = runtime, tokens
        self.builtins = TokenRevocationListeners(store) if store is not None else None

    def register(self, app: App) -> None:
        app.event("tokens_revoked")(ack=acknowledge, lazy=[self.tokens_revoked])
        app.event("app_uninstalled")(ack=acknowledge, lazy=[self.app_uninstalled])

    def _first(self, body: dict) -> bool:
        key = event_key(body)
        return key is not None and self.rt.engine.first_time(EVENT_SOURCE, key)

    def tokens_revoked(self, body: dict, event: dict, context: BoltContext) -> None:
        """Revoked tokens leave the store; a revoked bot token means the workspace is out of reach."""
        if not self._first(body):
            return
        bots = (event.get("tokens") or {}).get("bot") or []
        log.warning("slack: tokens revoked in team %s (%d bot)", context.team_id, len(bots))
        if self.builtins is not None:
            self.builtins.handle_tokens_revoked_events(event, context)
        if bots:
            self._forget(context.team_id)

    def app_uninstalled(self, body: dict, context: BoltContext) -> None:
        """Uninstalled: every installation of that team leaves the store."""
        if not self._first(body):
            return
        log.warning("slack: the app was uninstalled from team %s", context.team_id)
        if self.builtins is not None:
            self.builtins.handle_app_uninstalled_events(context)
        self._forget(context.team_id)

    def _forget(self, team_id: str | None) -> None:
        if self.tokens is not None:
            self.tokens.forget(team_id)
        marked = self.rt.engine.mark_unreachable("slack", team_id)  # at once, not one failed delivery at a time
        log.warning("slack: %d accounts of team %s are out of reach", marked, team_id)
