"""What an installation of the Slack app asks for (kept in step with manifest.yml)."""

# commands: the /pin slash command · chat:write: DMs from the bot, replies, digests ·
# im:history: message.im events (replies typed in a thread of the bot's DM) ·
# im:write: conversations.open, the DM's own id to post in (Slack's `channel` is a conversation id) ·
# users:read: users.info for mentioned people (name, avatar, time zone) ·
# links:read: link_shared for links on the unfurl domain · links:write: chat.unfurl, the previews.
BOT_SCOPES = ("commands", "chat:write", "im:history", "im:write", "users:read", "files:read", "links:read", "links:write")
# tokens_revoked and app_uninstalled need no scope; the app hears them once subscribed. link_shared needs links:read.
# app_home_opened needs no scope either (docs.slack.dev/reference/events/app_home_opened): someone opened the Home tab.
BOT_EVENTS = ("message.im", "tokens_revoked", "app_uninstalled", "link_shared", "app_home_opened")
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
EVENTS_PATH = "/slack/events"
STATE_TTL_SECONDS = 600
