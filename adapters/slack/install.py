"""What an installation of the Slack app asks for (kept in step with manifest.yml)."""

# commands: the /pin slash command · chat:write: DMs from the bot, replies, digests ·
# im:history: message.im events (replies typed in a thread of the bot's DM) ·
# users:read: users.info for mentioned people (name, avatar, time zone).
BOT_SCOPES = ("commands", "chat:write", "im:history", "users:read")
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
EVENTS_PATH = "/slack/events"
STATE_TTL_SECONDS = 600
