"""What the core knows of the platforms it is deployed with: data each adapter describes, never their code.

The core never names a platform. The bridge hands it the enabled platforms' `PlatformInfo`
(through `CoreSettings.platforms`), and the core uses them to say how something is typed or
opened elsewhere ("type /pin link K7QW… there"), to read a platform's mentions as people,
and to know which names are platforms at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import Field, dataclass, field
from typing import Protocol
from urllib.parse import urlsplit


@dataclass(frozen=True)
class PlatformInfo:
    name: str  # the key used everywhere: accounts, deliveries, config
    title: str  # how people call it, capitalised
    command_prefix: str  # what commands start with there: "/pin " (then the word) or "/" (the word is the command)
    deep_link: str | None = None  # opens the bot with a start payload, "{payload}" marking its place
    mention: re.Pattern | None = None  # a person as that platform writes them; group 1 is their account id

    def typed(self, words: str) -> str:
        """A command as typed on this platform."""
        return f"{self.command_prefix}{words}"

    def opening(self, payload: str) -> str | None:
        """The link that opens the bot here with this payload, when the platform has such links."""
        return self.deep_link.replace("{payload}", payload) if self.deep_link else None


@dataclass(frozen=True)
class Limits:
    """How fast one platform may be sent to: the worker paces every send within these."""

    per_chat: float = 1.0  # seconds between two sends to one chat
    per_group: float | None = None  # … to a group chat (None: as to any chat)
    per_bot: float = 0.0  # sends per second for the whole bot (0: no bot-wide limit)
    broadcast_per_second: float = 0.0  # a separate, paid budget for bulk sends (digests); 0: none
    group_prefix: str | None = None  # chat ids that start with this are groups

    def spacing(self, chat_id: str) -> float:
        """Seconds between two sends to this chat."""
        group = self.group_prefix is not None and str(chat_id).startswith(self.group_prefix)
        return self.per_group if group and self.per_group is not None else self.per_chat


@dataclass
class Installed:
    """What a platform contributes to a running process."""

    sender: object  # core.ports.Sender
    blueprint: object | None = None  # its inbound web routes (a Flask blueprint), mounted by the web role
    start: Callable[[], None] = lambda: None  # begin background work (an event loop, webhook set-up)
    stop: Callable[[], None] = lambda: None
    figures: Callable[[], list[QueueFigures]] = lambda: []  # its work queues now, for /metrics


@dataclass(frozen=True)
class QueueFigures:
    """One of a platform's work queues in this process: what waits or runs, its bound, what was turned away."""

    queue: str
    depth: int
    capacity: int
    shed: int


@dataclass(frozen=True)
class Host:
    """What the composition root hands a platform when it installs it in a process."""

    engine: object  # core.engine.Engine
    db: object  # the SQLAlchemy engine (a platform may keep its own tables there, e.g. OAuth installations)
    public_url: str
    max_group_size: int
    sending_threads: int  # the delivery worker's, so a platform can size its connection pool
    heartbeats: object  # .expect(part, within) -> beat and .beat(part): a background loop reports its cycles
    pictures: object = None  # bridge.media.Pictures: .keep(bytes) -> a kept picture (InvalidInput when not one)


@dataclass(frozen=True)
class Deployment:
    """What a platform's config check may need to know about the rest of the deployment."""

    public_url: str
    sandboxed: bool  # the sandbox stands in for every platform: no real secrets needed
    sandbox_enabled: bool = False
    real: tuple[str, ...] = ()  # the platforms given real credentials

    def required(self, platform: str, key: str) -> str:
        """The problem of a secret this platform needs now, saying why it is needed."""
        others = [name for name in self.real if name != platform]
        why = (f"the sandbox is off because {', '.join(others)} is real — set it, or {platform}.enabled: false"
               if self.sandbox_enabled and others else f"{platform} is enabled and the sandbox is off")
        return f"{platform}.{key}: required — {why}"


class PlatformDescription(Protocol):
    """What each platform package exports as `PLATFORM`; the bridge loops over the enabled ones.

    `settings` is the frozen dataclass of its config section (fields marked `secret_field()` are
    secrets); everything else is read from an instance of it.
    """

    name: str
    settings: type

    def problems(self, section, deployment: Deployment) -> list[str]:
        """What is wrong with this section, each as "key: why" (empty when nothing)."""

    def real(self, section) -> bool:
        """Whether the section holds real credentials (then the sandbox is off)."""

    def info(self, section) -> PlatformInfo:
        """What the core may know of the platform."""

    def limits(self, section) -> Limits:
        """How fast the platform may be sent to."""

    def install(self, section, host: Host) -> Installed:
        """Build the platform's parts for a process (no network call yet)."""


def http_url_problems(key: str, value: str) -> list[str]:
    """A platform section's check of a URL setting: ["key: why"], or [] when it is an http(s) URL."""
    parts = urlsplit(value)
    return [] if parts.scheme in ("http", "https") and parts.netloc else [f"{key}: must be an http(s) URL, got {value!r}"]


def choice_problems(key: str, value: str, choices: tuple[str, ...]) -> list[str]:
    """A platform section's check of a setting with a few allowed values."""
    return [] if value in choices else [f"{key}: must be one of {', '.join(choices)}, got {value!r}"]


def secret_field(default: str = "") -> Field:
    """A config field holding a secret: never shown by repr, kept out of every log line."""
    return field(default=default, repr=False, metadata={"secret": True})
