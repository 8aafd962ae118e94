"""What the engine needs to know about its deployment (built from config by the bridge)."""

from dataclasses import dataclass

COMMAND_OVERHEAD = 2_000  # a command's words and up to 50 people, besides its message


@dataclass(frozen=True)
class CoreSettings:
    """Rules and links; every field has the SPEC default."""

    public_url: str = "http://127.0.0.1:8080"
    max_group_size: int = 10
    require_mutual_follow: bool = True
    default_digest: str = "daily 09:00 UTC"
    telegram_bot_username: str = "pinbridge_bot"
    link_code_ttl_seconds: int = 600
    max_text_length: int = 2000
    slack_command: str = "/pin"

    @property
    def max_command_length(self) -> int:
        """The longest command line worth reading: the message limit plus the words and people around it."""
        return self.max_text_length + COMMAND_OVERHEAD

    def page_url(self, path: str) -> str:
        """An absolute link to one of Pinbridge's public pages."""
        return self.public_url.rstrip("/") + path
