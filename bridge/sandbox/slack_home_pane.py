"""The sandbox page's Slack Home tab: the person opens it, sees what Pinbridge published, clicks in it.

Opening the tab sends Slack's `app_home_opened` event to the real /slack/events (with the view
published before, as Slack does); a click or a menu choice there is Slack's block_actions from
a view — no response_url, the view as container. What the tab shows is read back from the
stand-in: the person's last published Home view (slack_home.py).
"""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlencode

from bridge.sandbox import slack_requests as requests
from bridge.sandbox.pane import Refused
from bridge.sandbox.slack_home import app_home_opened, home_block_actions, published_home, select_action
from bridge.sandbox.slack_pane import SlackPane

TABS = ("home", "messages")


class HomePane:
    """The Home tab of the people of one Slack pane."""

    def __init__(self, pane: SlackPane):
        self.pane = pane

    def open(self, user_id: object, tab: object = "home") -> None:
        """The person clicks the app's Home (or Messages) tab: Slack tells the app."""
        person = self.pane._person(user_id)
        if tab not in TABS:
            raise Refused("tab is home or messages.")
        standin = self.pane.standin
        event = app_home_opened(person.id, standin.dm_channel(person.id), str(tab), published_home(standin, person.id))
        self.pane._send(requests.event_callback(event, f"Ev{secrets.token_hex(8).upper()}", standin.bot_user_id),
                        requests.JSON)

    def click(self, user_id: object, action: dict) -> None:
        """A button pressed or a menu option chosen in the Home tab."""
        person = self.pane._person(user_id)
        view = published_home(self.pane.standin, person.id)
        if view is None:
            raise Refused("Nothing is published in this Home tab yet — open it first.", 404)
        action_id, block_id = str(action.get("action_id") or ""), str(action.get("block_id") or "b1")
        if not action_id:
            raise Refused("That element has no action_id.")
        chosen = action.get("selected_option")
        if isinstance(chosen, dict):
            pressed = select_action(action_id, str(chosen.get("value") or ""), str(chosen.get("text") or ""), block_id)
        else:
            value = action.get("value")
            pressed = requests.button_action(action_id, str(value) if value not in (None, "") else None,
                                             str(action.get("text") or action_id), block_id)
        _, _, trigger = self.pane._new(person, "home")  # a modal it opens shows like any other
        team = {"id": requests.TEAM, "domain": requests.TEAM_DOMAIN}
        payload = home_block_actions(requests.actor(person.id, person.name), pressed, trigger, view, team)
        self.pane._send(urlencode({"payload": json.dumps(payload)}), requests.FORM)

    def feed(self, user_id: str | None) -> dict | None:
        """The person's Home tab as published (None before Pinbridge published one, or for nobody)."""
        if not user_id:
            return None
        try:
            person = self.pane._person(user_id)
        except Refused:
            return None
        view = published_home(self.pane.standin, person.id)
        return None if view is None else {"id": view["id"], "hash": view["hash"], "blocks": view.get("blocks") or []}
