"""What every listener needs, and how answers go back to the person."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from adapters.slack.mentions import Directory
from adapters.slack.messages import Rendered, reply_message
from core.engine import Engine
from core.results import Reply

TRIGGER_SOURCE = "slack_trigger"  # the inbound-dedup namespace of trigger_ids


@dataclass(frozen=True)
class Runtime:
    """The engine, the users.info directory, and the deployment's slash command."""

    engine: Engine
    directory: Directory
    command: str = "/pin"

    def replayed(self, body: dict) -> bool:
        """True for a request Slack's signature accepts but that already ran: its trigger_id was seen.

        Slack gives every slash command, button click and modal submission its own trigger_id;
        the same signed body posted again within the signature's 5-minute window carries the same one.
        """
        trigger = body.get("trigger_id")
        return isinstance(trigger, str) and bool(trigger) and not self.engine.first_time(TRIGGER_SOURCE, trigger)

    @property
    def max_people(self) -> int:
        """How many people one send may name (the group limit counts the sender)."""
        return max(1, self.engine.settings.max_group_size - 1)


def once(runtime: Runtime, listener):
    """A button's lazy listener that runs once per trigger_id (a replayed click is acknowledged, not run)."""

    def run(body: dict, client, respond) -> None:
        if not runtime.replayed(body):
            listener(body, client, respond)

    run.__name__ = run.__qualname__ = listener.__name__  # Bolt reads the arguments to inject from this signature
    return run


def acknowledge(ack) -> None:
    """Answer Slack at once; the work runs after (lazy listeners)."""
    ack()


def respond_with(respond, reply: Reply, in_channel: bool = False, replace_original: bool = False) -> None:
    """A reply through the response_url: ephemeral unless it is meant for the channel; errors always ephemeral."""
    rendered = reply_message(reply)
    response_type = "in_channel" if in_channel and reply.ok else "ephemeral"
    respond(text=rendered.text, blocks=rendered.blocks, response_type=response_type, replace_original=replace_original)


def tell(client: WebClient, channel: str, user: str, reply: Reply, thread_ts: str | None = None) -> None:
    """A reply in a DM with the bot: a message when it worked, an ephemeral note when it did not."""
    rendered: Rendered = reply_message(reply)
    if reply.ok:
        client.chat_postMessage(channel=channel, text=rendered.text, blocks=rendered.blocks, thread_ts=thread_ts,
                                unfurl_links=False)
    else:
        client.chat_postEphemeral(channel=channel, user=user, text=rendered.text, blocks=rendered.blocks,
                                  thread_ts=thread_ts)
