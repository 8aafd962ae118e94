"""config.yaml: ${VAR} substitution, then validation into typed, frozen settings.

Any unknown key or bad value stops start-up with one line naming the key.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from bridge.config_rules import ConfigError, is_loopback, one_of, url, within
from core.errors import InvalidInput
from core.platforms import Deployment, PlatformDescription
from core.schedules import parse as parse_schedule
from core.settings import CoreSettings

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_PLACEHOLDER = re.compile(r"(changeme|your[-_ ]|<[^>]+>|xxx)", re.IGNORECASE)


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
class MediaConfig:
    store: str = "folder"  # folder | s3
    folder: str = "media"  # where the folder store keeps pictures (relative to the working directory)
    # The key of every picture's name (an HMAC of its bytes). "" = one made at first start and kept in the
    # database, so every process of a deployment names pictures alike.
    secret: str = field(default="", metadata={"secret": True})
    s3_bucket: str = ""
    s3_endpoint_url: str = ""  # empty for AWS itself; the server's URL for MinIO, Ceph, R2 …
    s3_region: str = ""
    s3_prefix: str = "media/"
    grace_hours: int = 24  # a picture no pin uses is removed this long after its last use
    max_download_bytes: int = 10_485_760  # the largest picture fetched from a page (og:image)


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
    messaging: MessagingConfig = field(default_factory=MessagingConfig)
    digests: DigestsConfig = field(default_factory=DigestsConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    unfurl: UnfurlConfig = field(default_factory=UnfurlConfig)
    media: MediaConfig = field(default_factory=MediaConfig)
    health: HealthConfig = field(default_factory=HealthConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    # The platforms of this deployment: name -> the package whose PLATFORM describes it (one line each).
    platforms: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PLATFORMS))
    sections: dict[str, object] = field(default_factory=dict)  # name -> its config section, as its package reads it

    def __post_init__(self) -> None:
        for name in self.platforms:
            if name not in self.sections:
                self.sections[name] = describe(self.platforms[name]).settings()

    def __getattr__(self, name: str):
        # A platform's section reads like any other: config.<name>.enabled.
        sections = self.__dict__.get("sections", {})
        if name in sections:
            return sections[name]
        raise AttributeError(name)

    def descriptions(self) -> dict[str, PlatformDescription]:
        """Each platform's description, by name, in config order."""
        return {name: describe(package) for name, package in self.platforms.items()}

    def enabled(self) -> list[str]:
        """The platforms switched on."""
        return [name for name, section in self.sections.items() if getattr(section, "enabled", True)]

    def with_section(self, name: str, section) -> Config:
        """The same config with one platform's section replaced."""
        return dataclasses.replace(self, sections={**self.sections, name: section})

    def core(self) -> CoreSettings:
        """The part of the config the engine needs (with what it may know of each enabled platform)."""
        described = self.descriptions()
        return CoreSettings(
            public_url=self.http.public_url,
            max_group_size=self.messaging.max_group_size,
            require_mutual_follow=self.messaging.require_mutual_follow,
            default_digest=self.digests.default,
            link_code_ttl_seconds=self.messaging.link_code_ttl_seconds,
            max_text_length=self.messaging.max_text_length,
            platforms=tuple(described[name].info(self.sections[name]) for name in self.enabled()),
        )

    def secrets(self) -> list[str]:
        """Every secret value in the config (tokens, signing and webhook secrets, the database password)."""
        found = [make_url_password(self.database_url), self.media.secret]
        for section in self.sections.values():
            found += [getattr(section, f.name) for f in dataclasses.fields(section) if f.metadata.get("secret")]
        return [v for v in found if v]

    def real_platforms(self) -> list[str]:
        """Enabled platforms given real credentials."""
        described = self.descriptions()
        return [name for name in self.enabled() if described[name].real(self.sections[name])]

    def uses_sandbox(self, platform: str) -> bool:
        """True when the sandbox stands in for this platform: it is on, and no platform is real.

        As soon as one platform is real the sandbox is off entirely: its page would otherwise let
        anyone on it create people and drive them against the real workspace.
        """
        return self.sandbox.enabled and platform in self.enabled() and not self.real_platforms()

    def deployment(self) -> Deployment:
        """What each platform's own config check may need to know of the rest."""
        real = tuple(self.real_platforms())
        return Deployment(self.http.public_url, sandboxed=self.sandbox.enabled and not real,
                          sandbox_enabled=self.sandbox.enabled, real=real)


DEFAULT_PLATFORMS = {"slack": "adapters.slack", "telegram": "adapters.telegram"}  # the shipped pair


@functools.cache
def describe(package: str) -> PlatformDescription:
    """The PLATFORM a platform package exports."""
    try:
        return importlib.import_module(package).PLATFORM
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"platforms: {package} does not describe a platform ({type(exc).__name__})") from None


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
    """Validate a parsed config mapping: the shared sections, then each platform's, read by its own package."""
    if not isinstance(raw, dict):
        raise ConfigError("config: must be a mapping of keys")
    platforms = raw.get("platforms", DEFAULT_PLATFORMS)
    if not isinstance(platforms, dict) or not all(isinstance(v, str) for v in platforms.values()):
        raise ConfigError("platforms: must map each platform's name to its package, like slack: adapters.slack")
    sections = {name: _build(describe(package).settings, raw.get(name) or {}, f"{name}.")
                for name, package in platforms.items()}
    shared = {k: v for k, v in raw.items() if k not in platforms and k != "platforms"}
    config = dataclasses.replace(_build(Config, shared, ""), platforms=dict(platforms), sections=sections)
    _check(config)
    return config


def _build(cls, raw, prefix: str):
    if not isinstance(raw, dict):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: must be a mapping of keys")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if key not in fields or key in ("platforms", "sections") and cls is Config:
            raise ConfigError(f"{name}: unknown key")
        kind = fields[key].type
        if isinstance(kind, str):
            kind = _TYPES.get(kind) or globals().get(kind) or vars(importlib.import_module(cls.__module__))[kind]
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
    url(config.http.public_url, "http.public_url")
    within(config.http.port, 0, 65535, "http.port")
    within(config.http.threads, 1, 256, "http.threads")
    within(config.http.connection_limit, 10, 100_000, "http.connection_limit")
    within(config.http.channel_timeout_seconds, 2, 3600, "http.channel_timeout_seconds")
    within(config.http.backlog, 16, 65_535, "http.backlog")
    within(config.messaging.max_group_size, 2, 50, "messaging.max_group_size")
    within(config.messaging.max_text_length, 1, 40_000, "messaging.max_text_length")
    within(config.messaging.link_code_ttl_seconds, 30, 86_400, "messaging.link_code_ttl_seconds")
    within(config.delivery.batch_size, 1, 1000, "delivery.batch_size")
    within(config.delivery.threads, 1, 256, "delivery.threads")
    if config.delivery.in_flight and not config.delivery.threads <= config.delivery.in_flight <= 10_000:
        raise ConfigError(f"delivery.in_flight: must be 0 (twice the threads) or between delivery.threads and 10000, got {config.delivery.in_flight}")
    within(config.delivery.lease_seconds, 90, 3600, "delivery.lease_seconds")  # > the 60 s send timeout
    within(config.delivery.max_attempts, 1, 100, "delivery.max_attempts")
    within(config.digests.check_every_seconds, 1, 3600, "digests.check_every_seconds")
    within(config.unfurl.max_page_bytes, 1024, 10_000_000, "unfurl.max_page_bytes")
    within(config.health.stale_after_seconds, 5, 3600, "health.stale_after_seconds")
    within(config.unfurl.timeout_seconds, 0.5, 60, "unfurl.timeout_seconds")
    if not config.unfurl.timeout_seconds <= config.unfurl.deadline_seconds <= 120:
        raise ConfigError(f"unfurl.deadline_seconds: must be between unfurl.timeout_seconds and 120, got {config.unfurl.deadline_seconds}")
    one_of(config.media.store, ("folder", "s3"), "media.store")
    where, what = {"s3": ("s3_bucket", "a bucket"), "folder": ("folder", "a folder")}[config.media.store]
    if not getattr(config.media, where):
        raise ConfigError(f"media.{where}: the {config.media.store} store needs {what}")
    if config.media.secret and len(config.media.secret) < 16:
        raise ConfigError("media.secret: at least 16 characters (or empty: one is made and kept in the database)")
    within(config.media.grace_hours, 1, 24 * 365, "media.grace_hours")
    within(config.media.max_download_bytes, 1024, 20_971_520, "media.max_download_bytes")
    if not config.database_url.startswith(("sqlite:", "postgresql")):
        raise ConfigError("database_url: use sqlite:///file.db or postgresql+psycopg://user@host/db")
    one_of(config.log_level.upper(), ("DEBUG", "INFO", "WARNING", "ERROR"), "log_level")
    try:
        parse_schedule(config.digests.default)
    except InvalidInput as exc:
        raise ConfigError(f"digests.default: {exc.message}") from None
    _check_platforms(config)
    _check_sandbox_address(config)


def _check_platforms(config: Config) -> None:
    """Secrets that look like placeholders, then what each platform's own package finds wrong."""
    deployment = config.deployment()
    for name, description in config.descriptions().items():
        section = config.sections[name]
        for found in dataclasses.fields(section):
            value = getattr(section, found.name)
            if found.metadata.get("secret") and value and _PLACEHOLDER.search(value):
                raise ConfigError(f"{name}.{found.name}: looks like a placeholder — put the real value in the environment")
        problems = description.problems(section, deployment)
        if problems:
            raise ConfigError(problems[0])


def _check_sandbox_address(config: Config) -> None:
    if not any(config.uses_sandbox(name) for name in config.enabled()) or config.sandbox.allow_network:
        return
    if not is_loopback(config.http.host):
        raise ConfigError(
            f"http.host: the sandbox has no login and listens only on a loopback address, not {config.http.host!r} "
            "(set sandbox.allow_network: true to serve it to the network anyway)"
        )
