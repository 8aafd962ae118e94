"""Slack, as the bridge sees it: its config section, what the core may know of it, its limits, its parts."""

from __future__ import annotations

from adapters.slack import settings
from adapters.slack.mrkdwn import MENTION
from core.platforms import Deployment, Host, Installed, Limits, PlatformInfo


class Slack:
    """The Slack platform's description (`PLATFORM`)."""

    name = "slack"
    settings = settings.SlackSettings

    def problems(self, section: settings.SlackSettings, deployment: Deployment) -> list[str]:
        return settings.problems(section, deployment)

    def real(self, section: settings.SlackSettings) -> bool:
        return settings.real(section)

    def info(self, section: settings.SlackSettings) -> PlatformInfo:
        # Commands follow the slash command (`/pin send …`); people are <@U…> mentions.
        return PlatformInfo(self.name, "Slack", f"{section.command} ", mention=MENTION)

    def limits(self, section: settings.SlackSettings) -> Limits:
        # api.slack.com/apis/rate-limits#rate-limits__each-channel: about one message a second per channel.
        return Limits(per_chat=1.0)

    def install(self, section: settings.SlackSettings, host: Host) -> Installed:
        from adapters.slack.wiring import install  # only when used: slack_bolt is heavy

        return install(section, host)


PLATFORM = Slack()
