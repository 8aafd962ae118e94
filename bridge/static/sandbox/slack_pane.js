// The Slack pane: pick or create a person, their DM with the Pinbridge app, threads and modals.

import { api, attempt, fillPeople, notice, replaceKeepingBottom } from "./api.js";
import { avatar, clock, h } from "./dom.js";
import { blocks, modal, mrkdwn, showErrors } from "./slack.js";

const $ = (id) => document.getElementById(id);

function label(person) {
  return person.handle ? `${person.name} (@${person.handle})` : person.name;
}

export class SlackPane {
  constructor(app) {
    this.app = app;
    this.user = localStorage.getItem("pinbridge.slack") || "";
    this.thread = null;
    this.drawn = "";
    this.names = {};
    this.modalKey = "";
    this.command = document.body.dataset.command;
    $("slack-user").addEventListener("change", (event) => this.choose(event.target.value));
    $("slack-add").addEventListener("submit", (event) => { event.preventDefault(); this.add($("slack-new-name").value); });
    $("slack-form").addEventListener("submit", (event) => { event.preventDefault(); this.send(); });
    $("slack-input").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); this.send(); }
    });
    $("slack-thread-cancel").addEventListener("click", () => this.setThread(null));
    $("slack-editing-cancel").addEventListener("click", () => this.setEditing(null));
  }

  choose(id) {
    this.user = id || "";
    localStorage.setItem("pinbridge.slack", this.user);
    this.setThread(null);
    this.setEditing(null);
    this.drawn = "";
    this.app.refresh();
  }

  async add(name, quiet = false) {
    const language = $("slack-new-language").value;
    const person = await (quiet ? api("slack/people", { name, language }).catch(() => null)
      : attempt(() => api("slack/people", { name, language })));
    if (person) { $("slack-new-name").value = ""; this.choose(person.id); }
    return person;
  }

  async send() {
    const box = $("slack-input");
    const text = box.value.trim();
    if (!text || !this.user) { if (!this.user) notice("Create or pick a Slack user first.", "error"); return; }
    box.value = "";
    const editing = this.editing;
    this.setEditing(null);
    const sent = await attempt(() => editing
      ? api("slack/edit", { user: this.user, ts: editing.msg_ts, text })
      : api("slack/type", { user: this.user, text, thread_ts: this.thread && this.thread.ts }));
    if (sent === null) box.value = text;
    this.app.refresh();
  }

  setThread(item) {
    this.thread = item ? { ts: item.msg_ts, text: item.text } : null;
    $("slack-thread").hidden = !item;
    const text = item ? mrkdwn(item.text).textContent.replace(/\s+/g, " ").trim() : "";
    $("slack-thread-text").textContent = item ? (text || "a message").slice(0, 80) : "";
    if (item) $("slack-input").focus();
  }

  // Slack's "Edit message": the text goes back into the composer; sending it sends message_changed.
  setEditing(item) {
    this.editing = item || null;
    $("slack-editing").hidden = !item;
    $("slack-editing-text").textContent = item ? item.text.slice(0, 80) : "";
    if (item) { $("slack-input").value = item.text; $("slack-input").focus(); }
  }

  async remove(item) {
    await attempt(() => api("slack/delete", { user: this.user, ts: item.msg_ts }));
    this.app.refresh();
  }

  async click(action, item) {
    await attempt(() => api("slack/click", { user: this.user, action: { ...action, message_ts: item.msg_ts } }));
    this.app.refresh();
  }

  render(side, otherHandle) {
    $("slack").classList.toggle("off", !side.live);
    if (!side.live) return;
    if (this.user && !side.people.some((p) => String(p.id) === this.user)) this.choose(side.people.length ? String(side.people[0].id) : "");
    if (!this.user && side.people.length) this.choose(String(side.people[0].id));
    fillPeople($("slack-user"), side.people, this.user, label);
    this.names = Object.fromEntries(side.people.map((p) => [p.id, p.handle || p.username]));
    const feed = side.feed;
    $("slack-who").textContent = feed ? label(feed.user) : "nobody";
    this.hints(otherHandle);
    const key = JSON.stringify([feed && feed.items, feed && feed.user, this.names]);
    if (key !== this.drawn) {
      this.drawn = key;
      replaceKeepingBottom($("slack-feed"), this.items(feed));
    }
    this.drawModal(feed && feed.modal);
  }

  hints(other) {
    const them = `@${other || "bob"}`;
    const words = ["help", `follow ${them}`, "new https://example.com/boots Hiking boots", `send p1 to ${them} Look!`, "inbox",
      "language es"];
    const key = words.join("|");
    if ($("slack-hints").dataset.key === key) return;
    $("slack-hints").dataset.key = key;
    $("slack-hints").replaceChildren(...words.map((w) => h("button", {
      type: "button", class: "chip", onclick: () => { $("slack-input").value = `${this.command} ${w}`; $("slack-input").focus(); },
    }, `${this.command} ${w}`)), h("button", {
      type: "button", class: "chip gesture", id: "slack-new-pin", title: "The global shortcut: a form to pin a link and send it",
      onclick: () => this.shortcut(),
    }, "⚡ New pin"));
  }

  // A shortcut: "Save as pin" on one of the DM's messages, or (with no message) the "New pin" form.
  async shortcut(item) {
    if (!this.user) { notice("Create or pick a Slack user first.", "error"); return; }
    await attempt(() => api("slack/shortcut", item ? { user: this.user, ts: item.msg_ts } : { user: this.user }));
    this.app.refresh();
  }

  items(feed) {
    if (!feed) return [h("div", { class: "empty" }, "Create a Slack user above (say, alice) to start.")];
    const tops = [];
    const replies = new Map();
    const parents = new Set(feed.items.filter((i) => i.msg_ts).map((i) => i.msg_ts));
    for (const item of feed.items) {
      if (item.thread_ts && item.thread_ts !== item.msg_ts && parents.has(item.thread_ts)) {
        if (!replies.has(item.thread_ts)) replies.set(item.thread_ts, []);
        replies.get(item.thread_ts).push(item);
      } else tops.push(item);
    }
    const intro = h("div", { class: "sk-intro" }, avatar("Pinbridge", "big app"),
      h("div", {}, h("strong", {}, "This is the very beginning of your messages with Pinbridge."),
        h("p", {}, `Type ${this.command} commands below — tap a suggestion to fill the box. Replies to Pinbridge's messages go in their thread.`)));
    return [intro, ...tops.map((item) => this.item(item, feed.user, replies.get(item.msg_ts) || []))];
  }

  item(item, user, replies, nested = false) {
    const bot = item.who === "bot";
    const name = bot ? "Pinbridge" : user.name;
    const ctx = { onAction: (action) => this.click(action, item), names: this.names || {} };
    let content;
    if (bot && item.blocks.length) content = blocks(item.blocks, ctx);
    else if (bot) content = mrkdwn(item.text, ctx.names);
    else content = h("div", { class: `sk-typed${item.command ? " command" : ""}` }, item.text);
    const head = h("div", { class: "sk-head" }, h("strong", {}, name), bot ? h("span", { class: "badge" }, "APP") : null,
      h("time", {}, clock(item.ts)), item.edited ? h("span", { class: "muted" }, "(edited)") : null);
    const node = h("div", { class: `sk-msg${item.ephemeral ? " ephemeral" : ""}${nested ? " nested" : ""}` },
      avatar(name, bot ? "app" : ""),
      h("div", { class: "sk-main" }, head,
        item.ephemeral ? h("div", { class: "sk-only" }, "👁 Only visible to you") : null, content,
        replies.length ? h("div", { class: "sk-thread" },
          h("div", { class: "sk-thread-count" }, `${replies.length} repl${replies.length === 1 ? "y" : "ies"}`),
          ...replies.map((reply) => this.item(reply, user, [], true))) : null));
    if (bot && item.msg_ts && !nested) {
      node.append(h("span", { class: "sk-hover" },
        h("button", { type: "button", title: "Reply in thread", onclick: () => this.setThread(item) }, "💬 Reply in thread"),
        h("button", { type: "button", class: "save-as-pin", title: "The message shortcut: pin its picture or first link",
          onclick: () => this.shortcut(item) }, "📌 Save as pin")));
    }
    if (!bot && item.msg_ts && !item.command) { // the person's own message: Slack lets them edit and delete it
      node.append(h("span", { class: "sk-hover" },
        h("button", { type: "button", class: "edit-message", title: "Edit message (Slack sends message_changed)",
          onclick: () => this.setEditing(item) }, "✏️ Edit"),
        h("button", { type: "button", class: "delete-message", title: "Delete message (Slack sends message_deleted)",
          onclick: () => this.remove(item) }, "🗑 Delete")));
    }
    return node;
  }

  drawModal(view) {
    const key = view ? `${view.id}:${view.hash}` : "";
    if (key === this.modalKey) return;
    this.modalKey = key;
    const layer = $("slack-modal");
    layer.hidden = !view;
    if (!view) { layer.replaceChildren(); return; }
    layer.replaceChildren(modal(view, {
      names: this.names,
      onAction: () => notice("Buttons inside modals are not part of Pinbridge's modals.", "error"),
      onClose: async (v) => { await attempt(() => api("slack/close", { user: this.user, view_id: v.id })); this.app.refresh(); },
      onSubmit: async (v, values, form) => {
        const answer = await attempt(() => api("slack/submit", { user: this.user, view_id: v.id, values }));
        if (answer && answer.errors) showErrors(form, answer.errors);
        this.app.refresh();
      },
    }));
    const first = layer.querySelector("input, textarea, select");
    if (first) first.focus();
  }
}
