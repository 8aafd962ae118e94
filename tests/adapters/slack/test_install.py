"""OAuth install mode: "Add to Slack", the redirect, installations in Pinbridge's database, per-team tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from adapters.slack.tokens import BotTokens
from bridge import migrate
from bridge.app import create_app
from bridge.wiring import Services
from core.engine import Engine
from core.ports import Sent
from tests.adapters.slack.conftest import install_slack, ALICE, BOB, SECRET, slack_config
from tests.adapters.slack.test_commands import friends
from tests.adapters.slack.workspace import Workspace, deliver_all


def test_the_migration_creates_slack_sdks_store_tables(db):
    with db.connect() as connection:
        for table in ("slack_installations", "slack_bots", "slack_oauth_states"):
            connection.execute(text(f"SELECT count(*) FROM {table}"))
    assert migrate.current(db) == migrate.head(db)


@pytest.fixture
def oauth_services(db, sessions, slack_api):
    with db.begin() as connection:  # installations from other tests (the PostgreSQL database is shared)
        connection.execute(text("DELETE FROM slack_bots"))
        connection.execute(text("DELETE FROM slack_installations"))
    config = slack_config(slack_api.url, install_mode="oauth", client_id="111.222", client_secret="oauth-secret", bot_token="")
    services = Services(config=config, db=db, sessions=sessions, engine=Engine(sessions, config.core()))
    install_slack(services)
    yield services
    services.platforms["slack"].stop()


def add_to_slack(web, services, code: str = "abc123") -> str:
    """Click "Add to Slack" and come back through the redirect; returns the workspace's newest bot token."""
    page = web.get("/slack/install")
    assert page.status_code == 200
    state = re.search(r"state=([0-9a-f-]+)", page.get_data(as_text=True)).group(1)
    assert "scope=commands,chat:write,im:history,im:write,users:read,files:read,links:read,links:write&amp;" in page.get_data(as_text=True)
    done = web.get(f"/slack/oauth_redirect?code={code}&state={state}")
    assert done.status_code == 200, done.get_data(as_text=True)
    with services.db.connect() as connection:
        return connection.execute(text(
            "SELECT bot_token FROM slack_bots WHERE team_id = 'T0SANDBOX' ORDER BY installed_at DESC, id DESC LIMIT 1"
        )).scalar_one()


def test_add_to_slack_installs_and_then_commands_and_deliveries_use_that_token(oauth_services, standin, slack_api):
    web = create_app(oauth_services.config, oauth_services).test_client()

    token = add_to_slack(web, oauth_services)

    [exchange] = standin.calls("oauth.v2.access")
    assert exchange.params["code"] == "abc123"
    assert token.startswith("xoxb-sandbox-")
    slack = Workspace(web, standin, slack_api.url, SECRET)
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")
    assert {c.token for c in standin.calls("users.info")} == {token}

    assert [type(r) for r in deliver_all(oauth_services)] == [Sent]
    assert standin.calls("chat.postMessage")[-1].token == token


@contextmanager
def bot_token_reads(db) -> Iterator[list[str]]:
    """Every SQL statement that reads the installation store's bot tokens inside the block."""
    reads: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "slack_bots" in statement and statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    event.listen(db, "before_cursor_execute", record)
    try:
        yield reads
    finally:
        event.remove(db, "before_cursor_execute", record)


@pytest.fixture
def installed(oauth_services, standin, slack_api):
    """Alice and Bob follow each other in a workspace installed through OAuth; returns its token."""
    web = create_app(oauth_services.config, oauth_services).test_client()
    token = add_to_slack(web, oauth_services)
    slack = Workspace(web, standin, slack_api.url, SECRET)
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    return web, slack, token


def test_deliveries_to_one_workspace_read_its_bot_token_once(installed, oauth_services, standin):
    _, slack, token = installed
    for word in ("one", "two", "three"):
        slack.command(ALICE, f"send p1 to @bob {word}")
    with bot_token_reads(oauth_services.db) as reads:
        results = deliver_all(oauth_services)

    assert [type(r) for r in results] == [Sent, Sent, Sent]
    assert {c.token for c in standin.calls("chat.postMessage")} == {token}
    assert len(reads) == 1


def test_a_reinstall_is_used_once_slack_refuses_the_cached_token(installed, oauth_services, standin):
    web, slack, old = installed
    slack.command(ALICE, "send p1 to @bob before")
    assert [type(r) for r in deliver_all(oauth_services)] == [Sent]

    new = add_to_slack(web, oauth_services, code="again")  # reinstalled: Slack revokes the old token
    standin.fail_next("chat.postMessage", status=200, error="token_revoked")
    slack.command(ALICE, "send p1 to @bob after")

    assert [type(r) for r in deliver_all(oauth_services)] == [Sent], "the delivery is not lost"
    assert new != old
    assert [c.token for c in standin.calls("chat.postMessage")][-2:] == [old, new]


def test_a_cached_bot_token_is_read_again_after_its_ttl():
    store, reads, now = {"T1": "xoxb-1"}, [], [0.0]

    def find(team_id):
        reads.append(team_id)
        return store.get(team_id)

    tokens = BotTokens(find, ttl=300, clock=lambda: now[0])
    first = tokens.token("T1")
    store["T1"] = "xoxb-2"
    cached = tokens.token("T1")
    now[0] = 301
    renewed = tokens.token("T1")

    assert (first, cached, renewed) == ("xoxb-1", "xoxb-1", "xoxb-2")
    assert reads == ["T1", "T1"]
    assert tokens.token("T9") is None and tokens.token("T9") is None
    assert reads[-2:] == ["T9", "T9"], "a workspace with no installation is not cached: a first install works at once"


def test_a_reused_oauth_state_is_refused(oauth_services, standin):
    web = create_app(oauth_services.config, oauth_services).test_client()
    state = re.search(r"state=([0-9a-f-]+)", web.get("/slack/install").get_data(as_text=True)).group(1)
    assert web.get(f"/slack/oauth_redirect?code=abc&state={state}").status_code == 200

    replay = web.get(f"/slack/oauth_redirect?code=abc&state={state}")

    assert replay.status_code >= 400
    assert len(standin.calls("oauth.v2.access")) == 1


def test_the_manifest_matches_what_the_app_serves():
    from pathlib import Path

    import yaml

    from adapters.slack import install

    manifest = yaml.safe_load((Path(install.__file__).parent / "manifest.yml").read_text())
    settings = manifest["settings"]
    [command] = manifest["features"]["slash_commands"]
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == install.BOT_SCOPES
    assert tuple(settings["event_subscriptions"]["bot_events"]) == install.BOT_EVENTS
    urls = {command["url"], settings["interactivity"]["request_url"], settings["event_subscriptions"]["request_url"]}
    assert urls == {"https://YOUR-HOST" + install.EVENTS_PATH}
    assert manifest["oauth_config"]["redirect_urls"] == ["https://YOUR-HOST" + install.REDIRECT_PATH]
    assert command["command"] == "/pin" and command["should_escape"] is True


def test_the_manifests_shortcuts_are_the_ones_the_app_listens_for():
    from pathlib import Path

    import yaml

    from adapters.slack import install, shortcuts

    manifest = yaml.safe_load((Path(install.__file__).parent / "manifest.yml").read_text())
    assert [(s["type"], s["callback_id"]) for s in manifest["features"]["shortcuts"]] == [
        ("message", shortcuts.SAVE_AS_PIN), ("global", shortcuts.NEW_PIN)]
    assert "files:read" in install.BOT_SCOPES
