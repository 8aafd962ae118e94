"""What the engine needs to know about its deployment (built from config by the bridge)."""

from dataclasses import dataclass

from core.platforms import PlatformInfo

COMMAND_OVERHEAD = 2_000  # a command's words and up to 50 people, besides its message


@dataclass(frozen=True)
class CoreSettings:
    """Rules and links; every field has the SPEC default."""

    public_url: str = "http://127.0.0.1:8080"
    max_group_size: int = 10
    require_mutual_follow: bool = True
    default_digest: str = "daily 09:00 UTC"
    link_code_ttl_seconds: int = 600
    max_text_length: int = 2000
    platforms: tuple[PlatformInfo, ...] = ()  # the deployed platforms (the bridge describes them)

    @property
    def max_command_length(self) -> int:
        """The longest command line worth reading: the message limit plus the words and people around it."""
        return self.max_text_length + COMMAND_OVERHEAD

    def platform(self, name: str) -> PlatformInfo:
        """A deployed platform by name (a bare one when unknown: commands then read as plain words)."""
        return next((p for p in self.platforms if p.name == name), PlatformInfo(name, name.title(), ""))

    @property
    def platform_names(self) -> tuple[str, ...]:
        """The deployed platforms' names, in order."""
        return tuple(p.name for p in self.platforms)

    def page_url(self, path: str) -> str:
        """An absolute link to one of Pinbridge's public pages."""
        return self.public_url.rstrip("/") + path
