"""The Bolt app: every Slack request Pinbridge answers, built at wiring time (never at import).

`process_before_response=True`: Bolt answers each request as soon as its listener returns,
in the request's own thread. Commands, buttons and DMs have listeners that ack and queue
the work (the engine, users.info, views.open, the response_url) on `work`'s threads, or
shed it when too much is waiting (workqueue.py). Bolt's default mode would run the
listener on a pool and poll for its ack every 10 ms, so a busy pool would delay
acknowledgements; here nothing queues in front of an ack. Modal submissions are answered
in the ack (see submissions.py); lifecycle events use Bolt's lazy listeners on the same
threads, never shed.
"""

from __future__ import annotations

import re

from slack_bolt import App
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from adapters.slack.actions import ActionListeners
from adapters.slack.commands import CommandListeners
from adapters.slack.dms import DirectMessages
from adapters.slack.home_tab import HomeListeners
from adapters.slack.lifecycle import LifecycleListeners
from adapters.slack.mentions import Directory
from adapters.slack.runtime import Runtime, acknowledge
from adapters.slack.shortcuts import ShortcutListeners
from adapters.slack.submissions import SubmissionListeners
from adapters.slack.tokens import BotTokens
from adapters.slack.unfurls import UnfurlListeners
from adapters.slack.workqueue import WorkQueue
from core.engine import Engine


def build_app(
    engine: Engine, slack_config, client: WebClient, work: WorkQueue,
    oauth_settings: OAuthSettings | None = None, directory: Directory | None = None,
    dms: DirectMessages | None = None, tokens: BotTokens | None = None, pictures=None,
) -> App:
    """A Bolt App for `slack_config` (signing_secret, command); OAuth mode when settings are given."""
    app = App(
        name="pinbridge", client=client, signing_secret=slack_config.signing_secret, oauth_settings=oauth_settings,
        process_before_response=True, listener_executor=work.executor,
        token_verification_enabled=False,  # auth.test on the first request, not while wiring (the API may not be up yet)
    )
    runtime = Runtime(engine, directory or Directory(), slack_config.command, dms or DirectMessages(), work)
    store = oauth_settings.installation_store if oauth_settings is not None else None
    for listeners in (CommandListeners(runtime), ActionListeners(runtime), SubmissionListeners(runtime),
                      ShortcutListeners(runtime, pictures), LifecycleListeners(runtime, store, tokens),
                      UnfurlListeners(runtime), HomeListeners(runtime)):
        listeners.register(app)
    # Anything else Slack sends (old buttons, events we did not ask for) is acknowledged, so it is not retried.
    app.action(re.compile(".*"))(acknowledge)
    app.event(re.compile(".*"))(acknowledge)
    app.shortcut(re.compile(".*"))(acknowledge)
    return app
