"""A local stand-in for the Slack Web API, served by Flask (state lives in slack_state.py).

Point a real client at it: ``WebClient(token="xoxb-…", base_url=served.url + "/api/")``.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any, Callable

from flask import Blueprint, Flask, Request, jsonify, request

from bridge.sandbox.slack_home import views_publish
from bridge.sandbox.slack_surfaces import message_refusal, view_refusal
from bridge.sandbox.slack_unfurls import chat_unfurl
from bridge.sandbox.slack_state import (
    RESPONSE_URL,
    RESPONSE_URL_USES,
    Call,
    RateLimited,
    ResponsePost,
    SlackError,
    SlackStandin,
)

__all__ = ["Call", "ResponsePost", "SlackStandin", "blueprint", "create_app"]

Params = dict[str, Any]
Handler = Callable[[SlackStandin, Params], Params]

# Form posts carry structured arguments as JSON strings; JSON posts carry them as-is.
JSON_FIELDS = ("blocks", "attachments", "view", "metadata")
MESSAGE_FIELDS = ("text", "blocks", "attachments", "thread_ts", "username", "icon_url", "icon_emoji", "metadata")
NO_AUTH_METHODS = frozenset({"oauth.v2.access"})


def _require(params: Params, name: str, error: str | None = None) -> Any:
    """The value of a required argument; raises SlackError when it is missing or empty."""
    value = params.get(name)
    if value in (None, "", []):
        raise SlackError(error or "invalid_arguments")
    return value


def _message_fields(standin: SlackStandin, params: Params) -> Params:
    """The message fields given in a chat.* call, refused as Slack refuses them."""
    fields = {key: params[key] for key in MESSAGE_FIELDS if params.get(key) not in (None, "")}
    refusal = message_refusal(fields, standin.image_type)
    if refusal is not None:
        raise refusal
    return fields


def _auth_test(standin: SlackStandin, params: Params) -> Params:
    return {
        "url": standin.workspace_url,
        "team": standin.team_name,
        "user": "pinbridge",
        "team_id": standin.team_id,
        "user_id": standin.bot_user_id,
        "bot_id": standin.bot_id,
        "is_enterprise_install": False,
    }


def _users_info(standin: SlackStandin, params: Params) -> Params:
    user = standin.user(_require(params, "user", "user_not_found"))
    # users.info: include_locale "Set this to true to receive the locale for this user. Defaults to false."
    if str(params.get("include_locale", "")).lower() not in ("true", "1"):
        user.pop("locale", None)
    return {"user": user}


def _conversations_open(standin: SlackStandin, params: Params) -> Params:
    users = [u.strip() for u in str(_require(params, "users", "users_list_not_supplied")).split(",")]
    if len(users) != 1:
        raise SlackError("not_implemented")  # group DMs are out of the stand-in's scope
    standin.user(users[0])  # conversations.open: user_not_found "Value(s) passed for users was invalid"
    channel = standin.dm_channel(users[0])
    # Without return_im Slack answers with the conversation's id only (docs.slack.dev conversations.open).
    return {"channel": {"id": channel}}


def _chat_post_message(standin: SlackStandin, params: Params) -> Params:
    channel = _require(params, "channel", "channel_not_found")
    fields = _message_fields(standin, params)
    if not ({"text", "blocks", "attachments"} & fields.keys()):
        raise SlackError("no_text")  # https://api.slack.com/methods/chat.postMessage#errors
    fields.setdefault("text", "")
    message = standin.post_message(channel, fields)
    return {"channel": message["channel"], "ts": message["ts"], "message": message}


def _chat_update(standin: SlackStandin, params: Params) -> Params:
    channel = _require(params, "channel", "channel_not_found")
    ts = _require(params, "ts", "message_not_found")
    message = standin.update_message(channel, ts, _message_fields(standin, params))
    return {"channel": message["channel"], "ts": ts, "text": message.get("text", ""), "message": message}


def _chat_delete(standin: SlackStandin, params: Params) -> Params:
    # chat.delete: channel and ts are required; an unknown one is message_not_found (api.slack.com/methods/chat.delete).
    channel = _require(params, "channel", "channel_not_found")
    ts = _require(params, "ts", "message_not_found")
    standin.delete_message(channel, ts)
    return {"channel": standin.conversation(channel), "ts": ts}


def _chat_post_ephemeral(standin: SlackStandin, params: Params) -> Params:
    channel = _require(params, "channel", "channel_not_found")
    user = _require(params, "user", "user_not_in_channel")
    fields = _message_fields(standin, params)
    if not ({"text", "blocks", "attachments"} & fields.keys()):
        raise SlackError("no_text")  # https://api.slack.com/methods/chat.postEphemeral#errors
    return {"message_ts": standin.post_ephemeral(channel, user, fields)["ts"]}


def _chat_get_permalink(standin: SlackStandin, params: Params) -> Params:
    channel = _require(params, "channel", "channel_not_found")
    ts = _require(params, "message_ts", "message_not_found")
    return {"channel": standin.conversation(channel), "permalink": standin.permalink(channel, ts)}


def _view_arg(standin: SlackStandin, params: Params) -> Params:
    """The `view` argument, refused as Slack refuses views."""
    view = _require(params, "view", "invalid_arguments")
    refusal = view_refusal(view, standin.image_type)
    if refusal is not None:
        raise refusal
    return view


def _views_open(standin: SlackStandin, params: Params) -> Params:
    trigger_id = _require(params, "trigger_id", "invalid_trigger_id")
    return {"view": standin.store_view(_view_arg(standin, params), trigger_id=str(trigger_id))}


def _views_push(standin: SlackStandin, params: Params) -> Params:
    trigger_id = _require(params, "trigger_id", "invalid_trigger_id")
    return {"view": standin.store_view(_view_arg(standin, params), trigger_id=str(trigger_id))}


def _views_update(standin: SlackStandin, params: Params) -> Params:
    view = _view_arg(standin, params)
    current = standin.view(params.get("view_id"), params.get("external_id"))
    if params.get("hash") and params["hash"] != current["hash"]:
        raise SlackError("hash_conflict")
    extra = {"root_view_id": current["root_view_id"], "previous_view_id": current["previous_view_id"]}
    return {"view": standin.store_view(view, view_id=current["id"], **extra)}


def _views_publish(standin: SlackStandin, params: Params) -> Params:
    return views_publish(standin, params, _view_arg)  # its rules: slack_home.py


def _oauth_v2_access(standin: SlackStandin, params: Params) -> Params:
    _require(params, "code", "invalid_code")
    return {
        "access_token": "xoxb-sandbox-" + secrets.token_hex(12),
        "token_type": "bot",
        "scope": "chat:write,commands,users:read,im:write,pins:read",
        "bot_user_id": standin.bot_user_id,
        "app_id": standin.app_id,
        "team": {"id": standin.team_id, "name": standin.team_name},
        "enterprise": None,
        "is_enterprise_install": False,
        "authed_user": {"id": standin.installer_user_id},
    }


def _team_info(standin: SlackStandin, params: Params) -> Params:
    team = {
        "id": standin.team_id,
        "name": standin.team_name,
        "domain": standin.team_domain,
        "email_domain": "",
        "icon": {"image_68": "", "image_132": "", "image_default": True},
    }
    return {"team": team}


def _files_info(standin: SlackStandin, params: Params) -> Params:
    found = standin.file_info(str(_require(params, "file", "file_not_found")))
    if found is None:
        raise SlackError("file_not_found")
    return {"file": found}


# Slack answers a private file URL fetched without a token with its sign-in page (HTTP 200, HTML), not
# an error: a client must send "Authorization: Bearer <token>" (docs.slack.dev, "Accessing files").
SIGN_IN_PAGE = "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>"


HANDLERS: dict[str, Handler] = {
    "auth.test": _auth_test,
    "files.info": _files_info,
    "users.info": _users_info,
    "conversations.open": _conversations_open,
    "chat.postMessage": _chat_post_message,
    "chat.update": _chat_update,
    "chat.delete": _chat_delete,
    "chat.postEphemeral": _chat_post_ephemeral,
    "chat.getPermalink": _chat_get_permalink,
    "chat.unfurl": chat_unfurl,  # slack_unfurls.py: link previews, as Slack checks them
    "views.open": _views_open,
    "views.update": _views_update,
    "views.push": _views_push,
    "views.publish": _views_publish,
    "oauth.v2.access": _oauth_v2_access,
    "team.info": _team_info,
}


def parse_request(req: Request) -> tuple[Params, str | None]:
    """Merge query, form and JSON arguments of a Web API request and find its token."""
    params: Params = dict(req.args.items())
    if req.is_json:
        body = req.get_json(silent=True)
        if isinstance(body, dict):
            params.update(body)
    else:
        params.update(req.form.items())
    for key in JSON_FIELDS:
        if isinstance(params.get(key), str):
            try:
                params[key] = json.loads(params[key])
            except ValueError:
                pass  # left as a string; the handler rejects it
    header = req.headers.get("Authorization", "")
    bearer = header[len("Bearer "):].strip() if header.startswith("Bearer ") else ""
    # Slack also accepts the token as a `token` argument instead of the header.
    argument = str(params.pop("token", "") or "").strip()
    return params, (bearer or argument) or None


def answer(standin: SlackStandin, method: str, params: Params, token: str | None) -> tuple[int, Params, dict[str, str]]:
    """The HTTP status, JSON body and extra headers of a Web API call."""
    fault = standin.take_fault(method)
    if fault is not None:
        return fault.status, {"ok": False, "error": fault.error, **fault.details}, dict(fault.headers)
    handler = HANDLERS.get(method)
    if handler is None:
        return 200, {"ok": False, "error": "unknown_method"}, {}
    if method not in NO_AUTH_METHODS and not token:
        return 200, {"ok": False, "error": "not_authed"}, {}
    try:
        return 200, {"ok": True, **handler(standin, params)}, {}
    except RateLimited as exc:
        return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(exc.retry_after)}
    except SlackError as exc:
        return 200, exc.payload(), {}


def response_refusal(standin: SlackStandin, body: Any) -> str | None:
    """The error Slack answers a response_url post with, or None when it would show it."""
    if not isinstance(body, dict):
        return "invalid_payload"
    if body.get("delete_original") in (True, "true"):
        return None
    if body.get("text") in (None, "") and not body.get("blocks") and not body.get("attachments"):
        return "no_text"  # https://api.slack.com/messaging/webhooks#handling_errors
    refusal = message_refusal(body, standin.image_type)
    return refusal.error if refusal is not None else None


def blueprint(standin: SlackStandin, url_prefix: str = "", name: str = "slack_standin") -> Blueprint:
    """A Blueprint serving POST {prefix}/api/<method> and POST {prefix}/response/<token>."""
    bp = Blueprint(name, __name__, url_prefix=url_prefix or None)

    @bp.route("/api/<path:method>", methods=["GET", "POST"])
    def api(method: str) -> Any:
        params, token = parse_request(request)
        status, body, headers = answer(standin, method, params, token)
        standin.record_call(method, params, token, status, None if body["ok"] else body["error"])
        time.sleep(standin.take_lateness(method))  # done already: only the answer is late
        return jsonify(body), status, headers

    @bp.get("/files-pri/<team_file>/<path:name>")
    def private_file(team_file: str, name: str) -> Any:
        header = request.headers.get("Authorization", "")
        data = standin.file_bytes(team_file)
        if not header.startswith("Bearer xox") or data is None:
            return SIGN_IN_PAGE, 200, {"Content-Type": "text/html; charset=utf-8"}
        return data, 200, {"Content-Type": "application/octet-stream"}

    @bp.post("/response/<path:token>")
    def response_url(token: str) -> Any:
        body = request.get_json(silent=True)
        body = body if body is not None else request.form.to_dict()
        fault = standin.take_fault(RESPONSE_URL)
        if fault is not None:
            standin.refuse_response_post(token, body)
            return fault.error, fault.status, {"Content-Type": "text/plain", **fault.headers}
        if standin.response_uses(token) >= RESPONSE_URL_USES:
            # Past its five uses the URL is spent. Slack's exact answer is not documented; a 404 as for any
            # response_url it no longer knows is the stand-in's guess (Pinbridge never posts a sixth time).
            standin.refuse_response_post(token, body)
            return "used_url", 404, {"Content-Type": "text/plain"}
        refusal = response_refusal(standin, body)
        if refusal is not None:
            standin.refuse_response_post(token, body)
            # Like incoming webhooks, a response_url answers a refusal with HTTP 400 and the bare error
            # as text (api.slack.com/messaging/webhooks#handling_errors; nathanheffley/laravel-slack-blocks#19).
            return refusal, 400, {"Content-Type": "text/plain"}
        standin.record_response_post(token, body)
        return jsonify({"ok": True})

    return bp


def create_app(standin: SlackStandin) -> Flask:
    """A Flask app serving only the Slack stand-in, at the root."""
    app = Flask(__name__)
    app.register_blueprint(blueprint(standin))
    return app
