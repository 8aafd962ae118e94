"""What the engine needs to know about its deployment (built from config by the bridge)."""

from dataclasses import dataclass


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

    def page_url(self, path: str) -> str:
        """An absolute link to one of Pinbridge's public pages."""
        return self.public_url.rstrip("/") + path
