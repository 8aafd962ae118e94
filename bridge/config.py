"""config.yaml: ${VAR} substitution, then validation into typed, frozen settings.

Any unknown key or bad value stops start-up with one line naming the key.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from core.errors import InvalidInput
from core.schedules import parse as parse_schedule
from core.settings import CoreSettings

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_PLACEHOLDER = re.compile(r"(changeme|your[-_ ]|<[^>]+>|xxx)", re.IGNORECASE)


class ConfigError(Exception):
    """A config problem, phrased for the operator in one line."""


def secret() -> dataclasses.Field:
    """A field never shown by repr (and so never in logs)."""
    return field(default="", repr=False, metadata={"secret": True})


@dataclass(frozen=True)
class HttpConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = "http://127.0.0.1:8080"
    threads: int = 8
    # waitress: how many connections it holds open, and how long one may sit idle (a slow client that
    # trickles its request is cut off after this long without a byte; see README "Security").
    connection_limit: int = 1000
    channel_timeout_seconds: int = 15
    backlog: int = 1024


@dataclass(frozen=True)
class SandboxConfig:
    enabled: bool = True
    # The sandbox has no login (anyone who reaches it can act as anyone): loopback only, unless said here.
    allow_network: bool = False


@dataclass(frozen=True)
class SlackConfig:
    enabled: bool = True
    bot_token: str = secret()
    signing_secret: str = secret()
    api_base_url: str = "https://slack.com/api/"
    command: str = "/pin"
    client_id: str = ""
    client_secret: str = secret()
    install_mode: str = "single"  # single|oauth


@dataclass(frozen=True)
class TelegramConfig:
    enabled: bool = True
    bot_token: str = secret()
    webhook_secret: str = secret()
    api_base_url: str = "https://api.telegram.org/bot"
    mode: str = "webhook"  # webhook|polling
    bot_username: str = "pinbridge_bot"
    send_read_timeout_seconds: float = 30.0  # far above Telegram's normal answer: a timeout may mean "delivered"
    # Digests as paid broadcasts (allow_paid_broadcast: up to 1000/s, 0.1 Stars each from the bot's balance).
    paid_broadcast: bool = False
    broadcast_per_second: float = 1000.0


@dataclass(frozen=True)
class MessagingConfig:
    require_mutual_follow: bool = True
    max_group_size: int = 10
    max_text_length: int = 2000
    link_code_ttl_seconds: int = 600


@dataclass(frozen=True)
class DigestsConfig:
    enabled: bool = True
    default: str = "daily 09:00 UTC"
    check_every_seconds: int = 60


@dataclass(frozen=True)
class DeliveryConfig:
    threads: int = 16  # sends in progress at once per worker process (each waits on the platform's answer)
    in_flight: int = 0  # claimed deliveries held per process; 0 = twice the threads, so no thread waits for work
    batch_size: int = 100  # the most deliveries one claim takes
    lease_seconds: int = 120  # longer than any one send may take (the Telegram sender gives up at 60 s)
    max_attempts: int = 8
    poll_interval_seconds: float = 0.5


@dataclass(frozen=True)
class UnfurlConfig:
    enabled: bool = True
    allow_private_addresses: bool = False  # true only for a sandbox or tests serving pages locally
    timeout_seconds: float = 5.0  # each network wait
    deadline_seconds: float = 10.0  # the whole fetch of one page, redirects included
    max_page_bytes: int = 524_288


@dataclass(frozen=True)
class HealthConfig:
    stale_after_seconds: float = 60.0  # a background part with no completed cycle for this long makes /healthz 503


@dataclass(frozen=True)
class MetricsConfig:
    # Several processes per role (gunicorn, worker processes on one host): one shared directory, a
    # subfolder per role, so a scrape of any process of a role counts them all. "" = one process.
    multiprocess_dir: str = ""


@dataclass(frozen=True)
class Config:
    database_url: str = "sqlite:///pinbridge.db"
    log_level: str = "INFO"
    http: HttpConfig = field(default_factory=HttpConfig)
    sandbox: SandboxConfig = field(default_factory=SandboxConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    messaging: MessagingConfig = field(default_factory=MessagingConfig)
    digests: DigestsConfig = field(default_factory=DigestsConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    unfurl: UnfurlConfig = field(default_factory=UnfurlConfig)
    health: HealthConfig = field(default_factory=HealthConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)

    def core(self) -> CoreSettings:
        """The part of the config the engine needs."""
        return CoreSettings(
            public_url=self.http.public_url,
            max_group_size=self.messaging.max_group_size,
            require_mutual_follow=self.messaging.require_mutual_follow,
            default_digest=self.digests.default,
            telegram_bot_username=self.telegram.bot_username,
            link_code_ttl_seconds=self.messaging.link_code_ttl_seconds,
            max_text_length=self.messaging.max_text_length,
            slack_command=self.slack.command,
        )

    def secrets(self) -> list[str]:
        """Every secret value in the config (tokens, signing and webhook secrets, the database password)."""
        found = [make_url_password(self.database_url)]
        for section in dataclasses.fields(self):
            value = getattr(self, section.name)
            if dataclasses.is_dataclass(value):
                found += [getattr(value, f.name) for f in dataclasses.fields(value) if f.metadata.get("secret")]
        return [v for v in found if v]

    def real_platforms(self) -> list[str]:
        """Enabled platforms given real credentials (a bot token, or Slack's OAuth app)."""
        real = []
        for platform in ("slack", "telegram"):
            section = getattr(self, platform)
            oauth = platform == "slack" and section.install_mode == "oauth" and bool(section.client_id)
            if section.enabled and (section.bot_token or oauth):
                real.append(platform)
        return real

    def uses_sandbox(self, platform: str) -> bool:
        """True when the sandbox stands in for this platform: it is on, and no platform is real.

        As soon as one platform is real the sandbox is off entirely: its page would otherwise let
        anyone on it create people and drive them against the real workspace.
        """
        return self.sandbox.enabled and getattr(self, platform).enabled and not self.real_platforms()


def make_url_password(url: str) -> str | None:
    """The password in a database URL, if any."""
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def substitute(text: str, environ: dict[str, str]) -> str:
    """Replace ${VAR} and ${VAR:-default}; an unset ${VAR} with no default is an error."""

    def one(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name in environ:
            return environ[name]
        if default is None:
            raise ConfigError(f"environment variable {name} is not set (use ${{{name}:-default}} for optional values)")
        return default

    return _VAR.sub(one, text)


def load(path: str | os.PathLike | None = None, environ: dict[str, str] | None = None) -> Config:
    """Read, substitute and validate a config file (default: $BRIDGE_CONFIG, else ./config.yaml)."""
    environ = dict(os.environ if environ is None else environ)
    path = Path(path or environ.get("BRIDGE_CONFIG") or "config.yaml")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path} is not valid YAML{where}") from None
    return from_dict(_substitute_all(raw, environ))


def _substitute_all(value, environ: dict[str, str]):
    # Substituted after parsing, in values only: comments and keys are left alone.
    if isinstance(value, dict):
        return {k: _substitute_all(v, environ) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute_all(v, environ) for v in value]
    return substitute(value, environ) if isinstance(value, str) else value


def from_dict(raw: dict) -> Config:
    """Validate a parsed config mapping."""
    config = _build(Config, raw, "")
    _check(config)
    return config


def _build(cls, raw, prefix: str):
    if not isinstance(raw, dict):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: must be a mapping of keys")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if key not in fields:
            raise ConfigError(f"{name}: unknown key")
        kind = fields[key].type
        if isinstance(kind, str):
            kind = _TYPES.get(kind) or globals()[kind]
        values[key] = _build(kind, value, name + ".") if dataclasses.is_dataclass(kind) else _coerce(kind, value, name)
    return cls(**values)


_TYPES = {"str": str, "int": int, "bool": bool, "float": float}


def _coerce(kind, value, name: str):
    if value is None:
        value = ""
    if kind is bool and isinstance(value, bool):
        return value
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind is str and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and kind in (int, float, bool):
        return _from_text(kind, value, name)
    raise ConfigError(f"{name}: expected {kind.__name__}, got {type(value).__name__}")


def _from_text(kind, value: str, name: str):
    # ${VAR} substitution makes numbers and booleans arrive as text.
    text = value.strip().lower()
    if kind is bool and text in ("true", "false", "yes", "no", "1", "0", "on", "off"):
        return text in ("true", "yes", "1", "on")
    try:
        return kind(text)
    except ValueError:
        raise ConfigError(f"{name}: expected {kind.__name__}, got {value!r}") from None


def _check(config: Config) -> None:
    _url(config.http.public_url, "http.public_url")
    _url(config.slack.api_base_url, "slack.api_base_url")
    _url(config.telegram.api_base_url, "telegram.api_base_url")
    _within(config.http.port, 0, 65535, "http.port")
    _within(config.http.threads, 1, 256, "http.threads")
    _within(config.http.connection_limit, 10, 100_000, "http.connection_limit")
    _within(config.http.channel_timeout_seconds, 2, 3600, "http.channel_timeout_seconds")
    _within(config.http.backlog, 16, 65_535, "http.backlog")
    _within(config.messaging.max_group_size, 2, 50, "messaging.max_group_size")
    _within(config.messaging.max_text_length, 1, 40_000, "messaging.max_text_length")
    _within(config.messaging.link_code_ttl_seconds, 30, 86_400, "messaging.link_code_ttl_seconds")
    _within(config.delivery.batch_size, 1, 1000, "delivery.batch_size")
    _within(config.delivery.threads, 1, 256, "delivery.threads")
    if config.delivery.in_flight and not config.delivery.threads <= config.delivery.in_flight <= 10_000:
        raise ConfigError(f"delivery.in_flight: must be 0 (twice the threads) or between delivery.threads and 10000, got {config.delivery.in_flight}")
    _within(config.delivery.lease_seconds, 90, 3600, "delivery.lease_seconds")  # > the 60 s send timeout
    _within(config.delivery.max_attempts, 1, 100, "delivery.max_attempts")
    _within(config.digests.check_every_seconds, 1, 3600, "digests.check_every_seconds")
    _within(config.unfurl.max_page_bytes, 1024, 10_000_000, "unfurl.max_page_bytes")
    if not 0.1 <= config.telegram.send_read_timeout_seconds <= 300:
        raise ConfigError(f"telegram.send_read_timeout_seconds: must be between 0.1 and 300, got {config.telegram.send_read_timeout_seconds}")
    if not 1 <= config.telegram.broadcast_per_second <= 1000:
        raise ConfigError(f"telegram.broadcast_per_second: must be between 1 and 1000 (Telegram's paid limit), got {config.telegram.broadcast_per_second}")
    if not 5 <= config.health.stale_after_seconds <= 3600:
        raise ConfigError(f"health.stale_after_seconds: must be between 5 and 3600, got {config.health.stale_after_seconds}")
    if not 0.5 <= config.unfurl.timeout_seconds <= 60:
        raise ConfigError(f"unfurl.timeout_seconds: must be between 0.5 and 60, got {config.unfurl.timeout_seconds}")
    if not config.unfurl.timeout_seconds <= config.unfurl.deadline_seconds <= 120:
        raise ConfigError(f"unfurl.deadline_seconds: must be between unfurl.timeout_seconds and 120, got {config.unfurl.deadline_seconds}")
    if not config.database_url.startswith(("sqlite:", "postgresql")):
        raise ConfigError("database_url: use sqlite:///file.db or postgresql+psycopg://user@host/db")
    _one_of(config.telegram.mode, ("webhook", "polling"), "telegram.mode")
    _one_of(config.slack.install_mode, ("single", "oauth"), "slack.install_mode")
    _one_of(config.log_level.upper(), ("DEBUG", "INFO", "WARNING", "ERROR"), "log_level")
    if not re.fullmatch(r"/[a-z0-9_-]{1,31}", config.slack.command):
        raise ConfigError(f"slack.command: must look like /pin, got {config.slack.command!r}")
    if not re.fullmatch(r"[A-Za-z0-9_]{5,32}", config.telegram.bot_username):
        raise ConfigError("telegram.bot_username: 5–32 letters, digits or _ (without the @)")
    try:
        parse_schedule(config.digests.default)
    except InvalidInput as exc:
        raise ConfigError(f"digests.default: {exc.message}") from None
    _check_secrets(config)
    _check_sandbox_address(config)
    _check_webhook_address(config)


WEBHOOK_PORTS = (443, 80, 88, 8443)  # core.telegram.org/bots/api#setwebhook: "Ports currently supported"


def _check_webhook_address(config: Config) -> None:
    # Telegram delivers webhooks only to HTTPS on these ports; a local Bot API server or a stand-in may differ.
    telegram = config.telegram
    if not telegram.enabled or telegram.mode != "webhook" or config.uses_sandbox("telegram") or not telegram.bot_token:
        return
    if urlsplit(telegram.api_base_url).hostname != "api.telegram.org":
        return
    parts = urlsplit(config.http.public_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if parts.scheme != "https" or port not in WEBHOOK_PORTS:
        raise ConfigError(
            f"http.public_url: Telegram's webhook needs an HTTPS URL on port 443, 80, 88 or 8443, got "
            f"{config.http.public_url!r} (or use telegram.mode: polling)"
        )


def _check_sandbox_address(config: Config) -> None:
    if not (config.uses_sandbox("slack") or config.uses_sandbox("telegram")) or config.sandbox.allow_network:
        return
    if not is_loopback(config.http.host):
        raise ConfigError(
            f"http.host: the sandbox has no login and listens only on a loopback address, not {config.http.host!r} "
            "(set sandbox.allow_network: true to serve it to the network anyway)"
        )


def is_loopback(host: str) -> bool:
    """True for localhost and the loopback addresses (127.0.0.0/8, ::1)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _check_secrets(config: Config) -> None:
    for platform, needed in (("slack", ("bot_token", "signing_secret")), ("telegram", ("bot_token", "webhook_secret"))):
        section = getattr(config, platform)
        for name in needed:
            value = getattr(section, name)
            if value and _PLACEHOLDER.search(value):
                raise ConfigError(f"{platform}.{name}: looks like a placeholder — put the real value in the environment")
        if not section.enabled or config.uses_sandbox(platform):
            continue
        real = [p for p in config.real_platforms() if p != platform]
        why = (f"the sandbox is off because {', '.join(real)} is real — set it, or {platform}.enabled: false"
               if config.sandbox.enabled and real else f"{platform} is enabled and the sandbox is off")
        if platform == "slack" and section.install_mode == "oauth":
            needed = ("signing_secret",)
            if not (section.client_id and section.client_secret):
                raise ConfigError("slack.client_id: OAuth install mode needs client_id and client_secret")
        if platform == "telegram" and section.mode == "polling":
            needed = ("bot_token",)
        for name in needed:
            if not getattr(section, name):
                raise ConfigError(f"{platform}.{name}: required — {why}")


def _url(value: str, name: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name}: must be an http(s) URL, got {value!r}")


def _within(value: int, low: int, high: int, name: str) -> None:
    if not low <= value <= high:
        raise ConfigError(f"{name}: must be between {low} and {high}, got {value}")


def _one_of(value: str, choices: tuple[str, ...], name: str) -> None:
    if value not in choices:
        raise ConfigError(f"{name}: must be one of {', '.join(choices)}, got {value!r}")
