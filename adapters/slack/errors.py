"""Every way Slack says no, classified once: what Pinbridge does about each error code.

Web API errors come as HTTP 200 with {"ok": false, "error": code}, rate limits as HTTP 429
with Retry-After, outages as 5xx; a response_url answers a refusal with HTTP 4xx and the
bare code as text. Codes and meanings: each method's "Errors" table on api.slack.com
(chat.postMessage, chat.postEphemeral, conversations.open, views.open) and
api.slack.com/messaging/webhooks#handling_errors for response_url and webhooks.
"""

from __future__ import annotations

import enum
import http.client
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError

from core.ports import Failed, RetryLater, SendResult


# What a Web API call can raise: Slack's refusal, the client's own errors, and the network's.
CALL_ERRORS = (SlackApiError, SlackClientError, OSError, http.client.HTTPException)


class Verdict(enum.Enum):
    RETRY = "retry"  # later: a rate limit, an outage, or a code we do not know
    BAD_BLOCKS = "bad_blocks"  # the same again without images, then as plain text
    TOO_LONG = "too_long"  # cut in two and send both
    UNREACHABLE = "unreachable"  # the person, or their DM, is gone or closed to the app
    STALE_TOKEN = "stale_token"  # the bot token is no good: read the installation again (OAuth)
    UNINSTALLED = "uninstalled"  # the app is not installed there any more
    EXPIRED = "expired"  # a response_url or trigger_id past its use: answer elsewhere
    PERMANENT = "permanent"  # will not work by trying again: an operator looks


CODES: dict[Verdict, frozenset[str]] = {
    # `rate_limited` is the documented spelling, `ratelimited` what the API answers with HTTP 429.
    Verdict.RETRY: frozenset({"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable",
                              "request_timeout", "team_added_to_org", "org_login_required"}),
    Verdict.BAD_BLOCKS: frozenset({"invalid_blocks", "invalid_blocks_format", "invalid_attachments"}),
    Verdict.TOO_LONG: frozenset({"msg_too_long", "msg_blocks_too_long"}),
    Verdict.UNREACHABLE: frozenset({
        "channel_not_found", "not_in_channel", "is_archived", "channel_is_archived", "user_not_found",
        "user_disabled", "cannot_dm_bot", "messages_tab_disabled", "user_not_visible", "user_not_in_channel",
    }),
    # chat.postMessage: account_inactive "Authentication token is for a deleted user or workspace when using a
    # bot token", token_revoked "... or the app has been removed": both name the bot's token, not the person.
    Verdict.STALE_TOKEN: frozenset({"token_revoked", "invalid_auth", "account_inactive", "token_expired", "invalid_token"}),
    Verdict.UNINSTALLED: frozenset({"app_uninstalled", "team_access_not_granted", "team_disabled", "no_team"}),
    Verdict.EXPIRED: frozenset({"expired_url", "used_url", "no_service", "no_service_id", "expired_trigger_id",
                                "invalid_trigger_id", "exchanged_trigger_id"}),
    Verdict.PERMANENT: frozenset({
        "not_authed", "missing_scope", "no_permission", "restricted_action", "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel", "restricted_action_non_threadable_channel", "ekm_access_denied",
        "invalid_arguments", "no_text", "too_many_attachments", "as_user_not_supported", "not_allowed_token_type",
        "access_denied", "method_deprecated", "deprecated_endpoint", "invalid_arg_name", "invalid_charset",
        "invalid_form_data", "invalid_post_type", "missing_post_type", "invalid_payload", "action_prohibited",
        "posting_to_general_channel_denied", "duplicate_message_not_found", "hash_conflict", "view_too_large",
        # views.publish: not_enabled "a `home` view is published but the Home tab isn't enabled for the app".
        "not_enabled",
        # chat.update / chat.delete: the copy is gone or is not the bot's to change (api.slack.com/methods/chat.update,
        # /chat.delete "Errors"); trying again cannot help.
        "message_not_found", "cant_update_message", "edit_window_closed", "cant_delete_message",
        "compliance_exports_prevent_deletion",
    }),
}
VERDICTS = {code: verdict for verdict, codes in CODES.items() for code in codes}
# views.*: "invalid_arguments" is how Slack refuses a view's blocks (with [ERROR] lines in response_metadata).
VIEW_VERDICTS = {**VERDICTS, "invalid_arguments": Verdict.BAD_BLOCKS}
# chat.postMessage: fatal_error "It's possible some aspect of the operation succeeded before the error was raised."
MAYBE_SENT = frozenset({"fatal_error"})


@dataclass(frozen=True)
class Refusal:
    """One refusal from Slack: its code, what it means for Pinbridge, and the HTTP details that matter."""

    error: str
    verdict: Verdict
    status: int = 200
    retry_after: float | None = None
    maybe_sent: bool = False

    def describe(self) -> str:
        """The refusal as stored on a delivery and logged ("slack: channel_not_found")."""
        return f"slack: HTTP {self.status} {self.error}" if self.status >= 500 else f"slack: {self.error}"


def refusal(error: str, status: int = 200, retry_after: float | None = None, view: bool = False) -> Refusal:
    """What Pinbridge does about `error` (answered with HTTP `status`)."""
    if status == 429:
        return Refusal(error or "ratelimited", Verdict.RETRY, status, retry_after)
    if status >= 500:
        return Refusal(error or f"http_{status}", Verdict.RETRY, status, maybe_sent=error in MAYBE_SENT)
    verdict = (VIEW_VERDICTS if view else VERDICTS).get(error)
    if verdict is None and status == 404:  # a response_url Slack no longer knows
        verdict = Verdict.EXPIRED
    return Refusal(error, verdict or Verdict.RETRY, status, retry_after, maybe_sent=error in MAYBE_SENT)


def from_api_error(exc: SlackApiError, view: bool = False) -> Refusal:
    """A Web API call's refusal (slack_sdk raises SlackApiError for ok=false and for HTTP errors)."""
    response = exc.response
    headers = response.headers or {}
    wait = headers.get("Retry-After") or headers.get("retry-after")
    error = str(response.get("error") or "") if isinstance(response.data, dict) else ""
    return refusal(error or f"http_{response.status_code}", response.status_code, float(wait) if wait else None, view)


def from_webhook(status: int, body: str, headers: dict | None = None) -> Refusal | None:
    """A response_url post's refusal, or None when Slack took it (HTTP 200)."""
    if status == 200:
        return None
    wait = (headers or {}).get("Retry-After") or (headers or {}).get("retry-after")
    return refusal((body or "").strip() or f"http_{status}", status, float(wait) if wait else None)


def network(kind: str, maybe_sent: bool = False, pause: float | None = None) -> Refusal:
    """No answer from Slack: the request failed on the way (or, `maybe_sent`, the answer did)."""
    return Refusal(kind, Verdict.RETRY, 0, pause, maybe_sent)


def outcome(found: Refusal) -> SendResult:
    """A refusal as the delivery worker's outcome."""
    if found.verdict is Verdict.RETRY:
        return RetryLater(found.describe(), found.retry_after, maybe_sent=found.maybe_sent)
    unreachable = found.verdict in (Verdict.UNREACHABLE, Verdict.UNINSTALLED)
    return Failed(found.describe(), unreachable=unreachable)
