"""Echo: a third platform defined only here, to prove a platform is one package plus one line of config.

    platforms: {slack: adapters.slack, telegram: adapters.telegram, echo: tests.bridge.echo_platform}

People say commands over HTTP (POST /echo/say); what Pinbridge sends them is recorded by the sender.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass

from flask import Blueprint, jsonify, request

from core.people import Identity
from core.platforms import Deployment, Host, Installed, Limits, PlatformInfo, secret_field
from core.ports import Outgoing, Sent
from core.text import Code, Command, Link, Mention, Strong, Text

MENTION = re.compile(r"<echo:([a-z0-9]{1,20})>")  # how Echo writes a person: <echo:e1>


@dataclass(frozen=True)
class EchoSettings:
    enabled: bool = True
    prefix: str = "!"  # commands are typed as !send …
    token: str = secret_field()


def render(text: Text, prefix: str) -> str:
    """Echo's markup: *strong*, 'code', [label](url); commands spelled with its own prefix."""
    parts = []
    for span in text.spans:
        if isinstance(span, Command):
            parts.append(f"'{prefix}{span.words}'")
        elif isinstance(span, Code):
            parts.append(f"'{span.text}'")
        elif isinstance(span, Strong):
            parts.append(f"*{span.text}*")
        elif isinstance(span, Link):
            parts.append(f"[{span.label}]({span.url})")
        elif isinstance(span, Mention):
            parts.append(f"@{span.handle}")
        else:
            parts.append(span.text)
    return "".join(parts)


class EchoSender:
    """Records what it is given; answers with a platform id per message."""

    platform = "echo"

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def send(self, outgoing: Outgoing) -> Sent:
        with self._lock:
            self.sent.append(outgoing)
            return Sent(remote_id=f"echo-{next(self._ids)}")


def blueprint(host: Host, prefix: str) -> Blueprint:
    bp = Blueprint("echo", __name__)

    @bp.post("/echo/say")
    def say():
        body = request.get_json(silent=True) or {}
        user, text = str(body.get("user") or ""), str(body.get("text") or "")
        if not user or not text.startswith(prefix):
            return jsonify(error="say {user, text} with text starting with the command prefix"), 400
        who = Identity("echo", user, chat_id=user, username=str(body.get("name") or user))
        reply = host.engine.run(who, text[len(prefix):])
        host.heartbeats.beat("echo")
        return jsonify(ok=reply.ok, text=render(reply.body, prefix), shared=reply.shared)

    return bp


class Echo:
    name = "echo"
    settings = EchoSettings

    def problems(self, section: EchoSettings, deployment: Deployment) -> list[str]:
        return [] if section.prefix else ["echo.prefix: required, like !"]

    def real(self, section: EchoSettings) -> bool:
        return False

    def info(self, section: EchoSettings) -> PlatformInfo:
        return PlatformInfo("echo", "Echo", section.prefix, deep_link="https://echo.test/open?start={payload}",
                            mention=MENTION)

    def limits(self, section: EchoSettings) -> Limits:
        return Limits(per_chat=0.0)

    def install(self, section: EchoSettings, host: Host) -> Installed:
        return Installed(sender=EchoSender(), blueprint=blueprint(host, section.prefix),
                         start=lambda: host.heartbeats.expect("echo", 3600))


PLATFORM = Echo()
