"""The `slack:` section of config.yaml, and what is wrong with one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.platforms import Deployment, choice_problems, http_url_problems, secret_field

COMMAND = re.compile(r"/[a-z0-9_-]{1,31}")  # api.slack.com/interactivity/slash-commands: lower case, ≤ 32


@dataclass(frozen=True)
class SlackSettings:
    enabled: bool = True
    bot_token: str = secret_field()
    signing_secret: str = secret_field()
    api_base_url: str = "https://slack.com/api/"
    command: str = "/pin"
    client_id: str = ""
    client_secret: str = secret_field()
    install_mode: str = "single"  # single|oauth
    answer_threads: int = 8  # threads doing the work after each ack (the engine, response_url, views.open)
    answer_queue: int = 64  # requests admitted and not finished, past which the ack sheds (workqueue.py)

    @property
    def oauth(self) -> bool:
        """"Add to Slack" for any number of workspaces, rather than one workspace's bot token."""
        return self.install_mode == "oauth"


def real(section: SlackSettings) -> bool:
    """A bot token, or an OAuth app: this talks to the real Slack."""
    return section.enabled and bool(section.bot_token or (section.oauth and section.client_id))


def problems(section: SlackSettings, deployment: Deployment) -> list[str]:
    """Each thing wrong with the section, as "key: why"."""
    found = [*http_url_problems("slack.api_base_url", section.api_base_url),
             *choice_problems("slack.install_mode", section.install_mode, ("single", "oauth"))]
    for key in ("answer_threads", "answer_queue"):
        value = getattr(section, key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1024:
            found.append(f"slack.{key}: must be a whole number from 1 to 1024, got {value!r}")
    if not COMMAND.fullmatch(section.command):
        found.append(f"slack.command: must look like /pin, got {section.command!r}")
    if not section.enabled or deployment.sandboxed:
        return found
    needed = ("signing_secret",) if section.oauth else ("bot_token", "signing_secret")
    if section.oauth and not (section.client_id and section.client_secret):
        found.append("slack.client_id: OAuth install mode needs client_id and client_secret")
    return found + [deployment.required("slack", key) for key in needed if not getattr(section, key)]
