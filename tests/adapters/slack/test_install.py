"""OAuth install mode: "Add to Slack", the redirect, installations in Pinbridge's database, per-team tokens."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from bridge import migrate, slack_setup
from bridge.app import create_app
from bridge.wiring import Services
from core.engine import Engine
from core.ports import Sent
from tests.adapters.slack.conftest import ALICE, BOB, SECRET, slack_config
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
    services.platforms["slack"] = slack_setup.install(services)
    yield services
    services.platforms["slack"].stop()


def test_add_to_slack_installs_and_then_commands_and_deliveries_use_that_token(oauth_services, standin, slack_api):
    web = create_app(oauth_services.config, oauth_services).test_client()

    page = web.get("/slack/install")
    assert page.status_code == 200
    state = re.search(r"state=([0-9a-f-]+)", page.get_data(as_text=True)).group(1)
    assert "scope=commands,chat:write,im:history,users:read&amp;" in page.get_data(as_text=True)

    done = web.get(f"/slack/oauth_redirect?code=abc123&state={state}")
    assert done.status_code == 200, done.get_data(as_text=True)
    [exchange] = standin.calls("oauth.v2.access")
    assert exchange.params["code"] == "abc123"
    with oauth_services.db.connect() as connection:
        token = connection.execute(text("SELECT bot_token FROM slack_bots WHERE team_id = 'T0SANDBOX'")).scalar_one()
    assert token.startswith("xoxb-sandbox-")

    slack = Workspace(web, standin, slack_api.url, SECRET)
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")
    assert {c.token for c in standin.calls("users.info")} == {token}

    assert [type(r) for r in deliver_all(oauth_services)] == [Sent]
    assert standin.calls("chat.postMessage")[-1].token == token


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
    assert settings["event_subscriptions"]["bot_events"] == ["message.im"]
    urls = {command["url"], settings["interactivity"]["request_url"], settings["event_subscriptions"]["request_url"]}
    assert urls == {"https://YOUR-HOST" + install.EVENTS_PATH}
    assert manifest["oauth_config"]["redirect_urls"] == ["https://YOUR-HOST" + install.REDIRECT_PATH]
    assert command["command"] == "/pin" and command["should_escape"] is True
