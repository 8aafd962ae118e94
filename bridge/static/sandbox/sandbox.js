// The sandbox page: two panes kept fresh by short polling, plus digests, reset and a quick start.

import { api, attempt, notice } from "./api.js";
import { SlackPane } from "./slack_pane.js";
import { TelegramPane } from "./telegram_pane.js";

const POLL_MS = 700;
const $ = (id) => document.getElementById(id);

class App {
  constructor() {
    this.slack = new SlackPane(this);
    this.telegram = new TelegramPane(this);
    this.busy = false;
    this.again = false;
    this.data = null;
    $("demo-people").addEventListener("click", () => this.demo());
    // Both are left out of the page while a platform talks to real people.
    $("run-digests")?.addEventListener("click", () => this.digests());
    $("reset")?.addEventListener("click", () => this.reset());
  }

  // One poll at a time; a refresh asked for meanwhile runs right after.
  async refresh() {
    if (this.busy) { this.again = true; return; }
    this.busy = true;
    try {
      const query = new URLSearchParams({ slack: this.slack.user, telegram: this.telegram.user });
      const data = await api(`feed?${query}`);
      this.data = data;
      const handle = (side, user) => {
        const person = side.people.find((p) => String(p.id) === user);
        return person ? person.handle || person.username : "";
      };
      this.slack.render(data.slack, handle(data.telegram, this.telegram.user));
      this.telegram.render(data.telegram, handle(data.slack, this.slack.user));
      const nobody = !data.slack.people.length && !data.telegram.people.length;
      $("leftover").hidden = !(nobody && data.people_in_database > 0);
      $("leftover-count").textContent = String(data.people_in_database);
      document.body.classList.remove("offline");
    } catch (error) {
      document.body.classList.add("offline");
    } finally {
      this.busy = false;
      if (this.again) { this.again = false; this.refresh(); }
    }
  }

  poll() {
    const next = () => setTimeout(() => this.poll(), document.hidden ? POLL_MS * 5 : POLL_MS);
    this.refresh().finally(next);
  }

  async demo() {
    for (const [pane, side, name] of [[this.slack, "slack", "alice"], [this.telegram, "telegram", "bob"]]) {
      if (await pane.add(name, true)) continue;
      const known = this.data && this.data[side].people.find((p) => p.username === name);
      if (known) pane.choose(String(known.id));
    }
    notice("Alice is on Slack, Bob is on Telegram. Have them follow each other — tap the suggestions.");
  }

  async digests() {
    const answer = await attempt(() => api("digests", {}));
    if (!answer) return;
    notice(answer.queued
      ? `Queued ${answer.queued} digest${answer.queued === 1 ? "" : "s"} — the worker delivers them in a moment.`
      : "Nobody has unread messages, so no digest went out.");
    this.refresh();
  }

  async reset() {
    const button = $("reset");
    if (!button.dataset.armed) {
      button.dataset.armed = "1";
      button.textContent = "Click again to reset";
      setTimeout(() => { delete button.dataset.armed; button.textContent = "Reset"; }, 4000);
      return;
    }
    delete button.dataset.armed;
    button.textContent = "Reset";
    if (await attempt(() => api("reset", {}))) notice("Everything is gone: no people, no pins, no messages.");
    this.refresh();
  }
}

new App().poll();
