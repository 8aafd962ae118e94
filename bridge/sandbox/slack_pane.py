"""The Slack side of the sandbox page: people on the stand-in workspace, acting as Slack would.

A command, a click, a modal submission or a thread reply becomes the signed request
Slack itself sends, POSTed over HTTP to the real /slack/events; what a person sees is
read back from the stand-in: the bot's DM, ephemeral answers, response_url posts, modals.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from adapters.slack.shortcuts import NEW_PIN, SAVE_AS_PIN
from bridge.sandbox import slack_requests as requests
from bridge.sandbox.bounded import Recent
from bridge.sandbox.pane import Refused, app_language, handle_of, person_name, post
from bridge.sandbox.slack_state import SlackError, SlackStandin

DM_NAME = "directmessage"
MAX_TEXT = 4000
MAX_TRIGGERS = 50


@dataclass
class SlackPerson:
    id: str
    name: str
    real_name: str
    triggers: list[str] = field(default_factory=list)  # newest last: the latest view opened is the modal shown


class SlackPane:
    """The people of the stand-in workspace and what each of them typed, clicked and sees."""

    def __init__(self, standin: SlackStandin, events_url: str, standin_url: str, signing_secret: str,
                 command: str, sessions):
        self.standin, self.events_url, self.standin_url = standin, events_url, standin_url
        self.secret, self.command_name, self.sessions = signing_secret, command, sessions
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.clear()

    def clear(self) -> None:
        """Forget every person and everything they did (the stand-in is reset separately)."""
        with self._lock:
            self._people: dict[str, SlackPerson] = {}
            keep = self.standin.keep  # as much as the stand-in keeps (bounded.py)
            self._tokens: Recent = keep.recent()  # response_url token -> user id
            self._said: deque[dict] = keep.ring()  # what people typed: Slack echoes it, the stand-in does not keep it
            self._closed: Recent = keep.recent()  # view ids closed, used as a set

    def people(self) -> list[dict]:
        """Everyone on the workspace page, oldest first, with their Pinbridge handle once they have one."""
        with self._lock:
            found = list(self._people.values())
        return [{"id": p.id, "name": p.real_name, "username": p.name, "handle": handle_of(self.sessions, "slack", p.id)}
                for p in found]

    def add_person(self, name: object, language: object = None) -> dict:
        """A new person on the workspace (their Slack set to `language`); a fresh id: Pinbridge meets a new account."""
        username, real_name = person_name(name)
        locale = app_language(language, 0)
        with self._lock:
            if any(p.name == username for p in self._people.values()):
                raise Refused(f"There is already a Slack user called {username}.", 409)
            person = SlackPerson("U" + secrets.token_hex(4).upper(), username, real_name)
            self._people[person.id] = person
        self.standin.add_user(person.id, username, real_name=real_name, locale=locale)
        return {"id": person.id, "name": real_name, "username": username, "handle": None}

    def _person(self, user_id: object) -> SlackPerson:
        with self._lock:
            person = self._people.get(str(user_id))
        if person is None:
            raise Refused("No such Slack user on this page — pick or create one.", 404)
        return person

    def _new(self, person: SlackPerson, kind: str) -> tuple[str, str, str]:
        """A fresh response_url token, its URL, and a trigger id, all belonging to `person`."""
        token = f"{kind}{next(self._ids)}x{secrets.token_hex(3)}"
        trigger = f"{next(self._ids)}.{token}"
        with self._lock:
            self._tokens[token] = person.id
            person.triggers = [*person.triggers, trigger][-MAX_TRIGGERS:]
        return token, self.standin.response_url(token, self.standin_url), trigger

    def _send(self, body: str, content_type: str):
        headers = {**requests.signed_headers(self.secret, body), "Content-Type": content_type}
        return post(self.events_url, body, headers)

    def type(self, user_id: object, text: object, thread_ts: object = None) -> None:
        """What a person typed in the DM composer: a slash command, or a message (in a thread if given)."""
        person, text = self._person(user_id), str(text or "").strip()
        if not text:
            raise Refused("Type a command such as /pin help.")
        if len(text) > MAX_TEXT:
            raise Refused(f"Slack messages are at most {MAX_TEXT} characters here.")
        if text.startswith("/"):
            word, _, rest = text.partition(" ")
            if word != self.command_name:
                raise Refused(f"{word} is not a command here — Pinbridge's is {self.command_name}.")
            return self.command(person, rest.strip())
        return self.message(person, text, str(thread_ts) if thread_ts else None)

    def command(self, person: SlackPerson, text: str) -> None:
        """The slash command, signed and posted like Slack does; answers come to the response_url."""
        _, response_url, trigger = self._new(person, "cmd")
        typed_at = time.time()
        body = requests.slash_command(person.id, person.name, self.command_name, requests.as_sent(text), response_url,
                                      trigger, channel_id=self.standin.dm_channel(person.id), channel_name=DM_NAME)
        self._send(body, requests.FORM)
        self._remember(person, f"{self.command_name} {text}".strip(), typed_at, command=True)

    def message(self, person: SlackPerson, text: str, thread_ts: str | None) -> None:
        """A message in the bot's DM, delivered through the Events API (`message.im`)."""
        channel = self.standin.dm_channel(person.id)
        event = requests.dm_event(person.id, channel, requests.as_sent(text, links=True), f"m{secrets.token_hex(6)}",
                                  thread_ts, self.standin.bot_user_id)
        self._send(requests.event_callback(event, f"Ev{secrets.token_hex(8).upper()}", self.standin.bot_user_id),
                   requests.JSON)
        self._remember(person, text, float(event["ts"]), msg_ts=event["ts"], thread_ts=thread_ts, event=event)

    def _said_message(self, person: SlackPerson, ts: object) -> dict:
        """The person's own DM message at `ts` (Slack lets people edit and delete only their own)."""
        with self._lock:
            found = next((s for s in self._said if s["user"] == person.id and s.get("event") and s["msg_ts"] == str(ts)), None)
        if found is None:
            raise Refused("That is not one of your messages here.", 404)
        return found

    def edit(self, user_id: object, ts: object, text: object) -> None:
        """The person edits their message: Slack sends `message_changed` with both versions."""
        person, text = self._person(user_id), str(text or "").strip()
        if not text:
            raise Refused("An edit needs some text — delete the message instead.")
        if len(text) > MAX_TEXT:
            raise Refused(f"Slack messages are at most {MAX_TEXT} characters here.")
        said = self._said_message(person, ts)
        event = requests.dm_changed_event(said["event"], requests.as_sent(text, links=True))
        self._send(requests.event_callback(event, f"Ev{secrets.token_hex(8).upper()}", self.standin.bot_user_id),
                   requests.JSON)
        with self._lock:
            said.update(text=text, edited=True, event={**said["event"], "text": event["message"]["text"]})

    def delete(self, user_id: object, ts: object) -> None:
        """The person deletes their message: Slack sends `message_deleted`."""
        person = self._person(user_id)
        said = self._said_message(person, ts)
        event = requests.dm_deleted_event(said["event"])
        self._send(requests.event_callback(event, f"Ev{secrets.token_hex(8).upper()}", self.standin.bot_user_id),
                   requests.JSON)
        with self._lock:
            if said in self._said:
                self._said.remove(said)

    def _remember(self, person: SlackPerson, text: str, ts: float, **extra) -> None:
        """Keep what the person typed, once Pinbridge took it: Slack shows it, the stand-in does not."""
        with self._lock:
            self._said.append({"user": person.id, "text": text, "ts": ts, "msg_ts": None, "thread_ts": None,
                               "command": False, **extra})

    def click(self, user_id: object, action: dict) -> None:
        """Press a button of a message or answer; Slack posts block_actions, URL buttons included."""
        person = self._person(user_id)
        action_id = str(action.get("action_id") or "")
        if not action_id:
            raise Refused("That button has no action_id.")
        message = self._dm_message(person, action.get("message_ts"))
        _, response_url, trigger = self._new(person, "act")
        pressed = requests.button_action(
            action_id, _text_or_none(action.get("value")), str(action.get("text") or action_id),
            str(action.get("block_id") or "b1"), _text_or_none(action.get("url")),
        )
        body = requests.block_actions(
            requests.actor(person.id, person.name), pressed, response_url, trigger,
            channel_id=self.standin.dm_channel(person.id), channel_name=DM_NAME, message=message,
            is_ephemeral=message is None,
        )
        self._send(body, requests.FORM)

    def save_as_pin(self, user_id: object, ts: object) -> None:
        """The person uses the "Save as pin" shortcut on a message of their DM with the app."""
        person = self._person(user_id)
        message = self._dm_message(person, ts)
        if message is None:
            raise Refused("That message is not in this DM (any more).", 404)
        _, response_url, trigger = self._new(person, "sc")
        body = requests.message_action(requests.actor(person.id, person.name), SAVE_AS_PIN, message, response_url,
                                       trigger, channel_id=self.standin.dm_channel(person.id), channel_name=DM_NAME)
        self._send(body, requests.FORM)

    def new_pin(self, user_id: object) -> None:
        """The person opens the "New pin" global shortcut (⚡): its modal appears like any other."""
        person = self._person(user_id)
        _, _, trigger = self._new(person, "np")
        self._send(requests.global_shortcut(requests.actor(person.id, person.name), NEW_PIN, trigger), requests.FORM)

    def _dm_message(self, person: SlackPerson, ts: object) -> dict | None:
        """The DM message a button sits on (answers to commands are not stored messages)."""
        found = [m for m in self.standin.messages(person.id) if ts and m["ts"] == str(ts)]
        return found[0] if found else None

    def submit(self, user_id: object, view_id: object, values: object) -> dict:
        """Submit a modal; Slack applies the app's answer: update it, show errors, or close it."""
        person = self._person(user_id)
        view = self._view(str(view_id or ""))
        if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
            raise Refused("values must be {block_id: {action_id: state}}.")
        body = requests.view_submission(requests.actor(person.id, person.name), view, values)
        answer = _json(self._send(body, requests.FORM).text)
        action = answer.get("response_action")
        if action == "errors":
            return {"errors": answer.get("errors") or {}}
        if action == "update" and isinstance(answer.get("view"), dict):
            self.standin.store_view(answer["view"], view_id=view["id"])
        elif action == "push" and isinstance(answer.get("view"), dict):
            _, _, trigger = self._new(person, "push")
            self.standin.store_view(answer["view"], trigger_id=trigger)
        else:
            self.close(person.id, view["id"])
        return {}

    def _view(self, view_id: str) -> dict:
        try:
            return self.standin.view(view_id)
        except SlackError:
            raise Refused("That modal is gone.", 404) from None

    def close(self, user_id: object, view_id: object) -> None:
        """Close a modal (Cancel, or a submission the app answered without a new view)."""
        self._person(user_id)
        with self._lock:
            self._closed.add(str(view_id))

    def feed(self, user_id: object) -> dict:
        """What a person sees now: the bot's DM with their own messages and answers, and the open modal."""
        person = self._person(user_id)
        items = [_bot_item(m, ephemeral=False) for m in self.standin.messages(person.id)]
        channel = self.standin.dm_channel(person.id)
        items += [_bot_item(m, ephemeral=True) for m in self.standin.ephemeral_messages(channel)
                  if m.get("user") == person.id]
        with self._lock:
            owned = {token for token, owner in self._tokens.items() if owner == person.id}
            said = [{key: value for key, value in s.items() if key != "event"} | {"who": "me"}
                    for s in self._said if s["user"] == person.id]
        for posted in self.standin.response_posts():
            if posted.token in owned and isinstance(posted.body, dict):
                items.append(_answer_item(posted.body, posted.timestamp))
        items = sorted(items + said, key=lambda item: item["ts"])
        user = {"id": person.id, "name": person.real_name, "username": person.name,
                "handle": handle_of(self.sessions, "slack", person.id)}
        return {"user": user, "items": items, "modal": self._modal(person)}

    def _modal(self, person: SlackPerson) -> dict | None:
        """The newest view opened for this person, unless it was closed."""
        for trigger in reversed(person.triggers):
            view = self.standin.view_opened_by(trigger)
            if view is not None:
                with self._lock:
                    closed = view["id"] in self._closed
                return None if closed else {key: view.get(key) for key in ("id", "hash", "title", "blocks", "submit", "close")}
        return None


def _bot_item(message: dict, ephemeral: bool) -> dict:
    return {"who": "bot", "ts": float(message["ts"]), "msg_ts": None if ephemeral else message["ts"],
            "thread_ts": message.get("thread_ts"), "text": message.get("text") or "",
            "blocks": message.get("blocks") or [], "ephemeral": ephemeral, "edited": "edited" in message}


def _answer_item(body: dict, timestamp: float) -> dict:
    """A body posted to a response_url: an ephemeral answer, or a message for the whole channel."""
    return {"who": "bot", "ts": timestamp, "msg_ts": None, "thread_ts": None, "text": str(body.get("text") or ""),
            "blocks": body.get("blocks") or [], "ephemeral": body.get("response_type") != "in_channel",
            "edited": False}


def _text_or_none(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _json(text: str) -> dict:
    """An acknowledgement's JSON body; an empty ack (close the modal) is {}."""
    try:
        found = json.loads(text) if text.strip() else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
