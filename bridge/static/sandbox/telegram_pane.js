// The Telegram pane: pick or create a person, their chat with the bot, replies, buttons and notices.

import { api, attempt, fillPeople, notice, replaceKeepingBottom } from "./api.js";
import { h } from "./dom.js";
import { bubble, snippet } from "./telegram.js";

const $ = (id) => document.getElementById(id);
// What the sandbox offers to pin in one gesture (bridge/sandbox/samples.py): pictures, and a channel's posts.
const SAMPLES = [["tent", "tent photo"], ["ridge", "ridge photo"], ["canyon", "canyon photo"]];
const POSTS = [["huts", "forward a post with a link"], ["news", "forward a post"]];

function label(person) {
  return person.handle ? `${person.name} (@${person.handle})` : `${person.name} (@${person.username})`;
}

export class TelegramPane {
  constructor(app) {
    this.app = app;
    this.user = localStorage.getItem("pinbridge.telegram") || "";
    this.replyTo = null;
    this.drawn = "";
    this.seen = new Set();
    this.primed = "";
    this.forced = new Set();
    this.bot = document.body.dataset.bot;
    $("telegram-user").addEventListener("change", (event) => this.choose(event.target.value));
    $("telegram-add").addEventListener("submit", (event) => { event.preventDefault(); this.add($("telegram-new-name").value); });
    $("telegram-form").addEventListener("submit", (event) => { event.preventDefault(); this.send(); });
    $("telegram-reply-cancel").addEventListener("click", () => this.setReply(null));
    $("telegram-editing-cancel").addEventListener("click", () => this.setEditing(null));
    $("telegram-start").addEventListener("click", () => this.send("/start"));
  }

  choose(id) {
    this.user = id || "";
    localStorage.setItem("pinbridge.telegram", this.user);
    this.setReply(null);
    this.setEditing(null);
    this.drawn = "";
    this.app.refresh();
  }

  async add(name, quiet = false) {
    const language = $("telegram-new-language").value;
    const person = await (quiet ? api("telegram/people", { name, language }).catch(() => null)
      : attempt(() => api("telegram/people", { name, language })));
    if (person) { $("telegram-new-name").value = ""; this.choose(String(person.id)); }
    return person;
  }

  async send(fixed) {
    const box = $("telegram-input");
    const text = fixed || box.value.trim();
    if (!text || !this.user) { if (!this.user) notice("Create or pick a Telegram user first.", "error"); return; }
    if (!fixed) box.value = "";
    const replyTo = this.replyTo && this.replyTo.id;
    const editing = fixed ? null : this.editing;
    this.setReply(null);
    this.setEditing(null);
    const sent = await attempt(() => editing
      ? api("telegram/edit", { user: this.user, message_id: editing.id, text })
      : api("telegram/send", { user: this.user, text, reply_to: replyTo }));
    if (sent === null && !fixed) box.value = text;
    this.app.refresh();
  }

  setReply(message, placeholder) {
    this.replyTo = message ? { id: message.id } : null;
    $("telegram-replying").hidden = !message;
    $("telegram-reply-text").textContent = message ? snippet(message, 80) : "";
    $("telegram-input").placeholder = placeholder || "Message";
    if (message) $("telegram-input").focus();
  }

  // Telegram's "Edit": the text goes back into the box; sending it sends the bot an edited_message.
  setEditing(message) {
    this.editing = message ? { id: message.id } : null;
    $("telegram-editing").hidden = !message;
    $("telegram-editing-text").textContent = message ? snippet(message, 80) : "";
    if (message) { this.setReply(null); $("telegram-input").value = message.text; $("telegram-input").focus(); }
  }

  // Telegram tells bots of no deletes: /delete, in reply to the message, removes it from the conversation.
  async removeEverywhere(message) {
    await attempt(() => api("telegram/send", { user: this.user, text: "/delete", reply_to: message.id }));
    this.app.refresh();
  }

  async press(message, data) {
    await attempt(() => api("telegram/press", { user: this.user, message_id: message.id, data }));
    this.app.refresh();
  }

  render(side, otherHandle) {
    $("telegram").classList.toggle("off", !side.live);
    if (!side.live) return;
    if (this.user && !side.people.some((p) => String(p.id) === this.user)) this.choose(side.people.length ? String(side.people[0].id) : "");
    if (!this.user && side.people.length) this.choose(String(side.people[0].id));
    fillPeople($("telegram-user"), side.people, this.user, label);
    const feed = side.feed;
    this.hints(otherHandle);
    $("telegram-start").hidden = !(feed && feed.messages.length === 0);
    const key = JSON.stringify([feed && feed.messages, feed && feed.user]);
    if (key !== this.drawn) {
      this.drawn = key;
      replaceKeepingBottom($("telegram-feed"), this.bubbles(feed));
      if (feed) this.followForceReply(feed.messages);
    }
    if (feed) this.notices(feed);
  }

  hints(other) {
    const words = ["/help", `/follow @${other || "alice"}`, "/inbox", "/boards", "/digest", "/language de"];
    const key = words.join("|");
    if ($("telegram-hints").dataset.key === key) return;
    $("telegram-hints").dataset.key = key;
    $("telegram-hints").replaceChildren(...words.map((w) => h("button", {
      type: "button", class: "chip", onclick: () => { $("telegram-input").value = w; $("telegram-input").focus(); },
    }, w)), ...SAMPLES.map(([sample, name]) => h("button", {
      type: "button", class: "chip gesture", "data-sample": sample, title: "Send this picture (the message box is its caption)",
      onclick: () => this.photo(sample),
    }, `📎 ${name}`)), ...POSTS.map(([post, name]) => h("button", {
      type: "button", class: "chip gesture", "data-post": post, title: "Forward a post of the channel @trailweekly",
      onclick: () => this.forward(post),
    }, `↪ ${name}`)));
  }

  // A sample picture, with what is in the message box as its caption.
  async photo(sample) {
    if (!this.user) { notice("Create or pick a Telegram user first.", "error"); return; }
    const box = $("telegram-input");
    const caption = box.value.trim();
    box.value = "";
    await attempt(() => api("telegram/photo", { user: this.user, sample, caption }));
    this.app.refresh();
  }

  async forward(post) {
    if (!this.user) { notice("Create or pick a Telegram user first.", "error"); return; }
    await attempt(() => api("telegram/forward", { user: this.user, post }));
    this.app.refresh();
  }

  bubbles(feed) {
    if (!feed) return [h("div", { class: "empty" }, "Create a Telegram user above (say, bob) to start.")];
    if (!feed.messages.length) {
      return [h("div", { class: "tg-welcome" }, h("strong", {}, "What can this bot do?"),
        h("p", {}, "Pinbridge brings pins and the talk about them to Telegram. Tap START, then try the suggestions below."))];
    }
    const ctx = {
      userName: feed.user.name, botName: "Pinbridge",
      onPress: (message, data) => this.press(message, data), onReply: (message) => this.setReply(message),
      onEdit: (message) => this.setEditing(message), onDelete: (message) => this.removeEverywhere(message),
    };
    return feed.messages.map((message) => bubble(message, ctx));
  }

  // Telegram opens a reply to a bot message that asks for one (ForceReply), once.
  followForceReply(messages) {
    const lastMine = Math.max(0, ...messages.filter((m) => m.mine).map((m) => m.id));
    const asking = messages.filter((m) => !m.mine && m.force_reply && m.id > lastMine).pop();
    if (asking && !this.forced.has(asking.id)) {
      this.forced.add(asking.id);
      this.setReply(asking, asking.force_reply);
    }
  }

  notices(feed) {
    const fresh = feed.notices.filter((n) => !this.seen.has(n.id));
    fresh.forEach((n) => this.seen.add(n.id));
    if (this.primed !== this.user) { this.primed = this.user; return; } // a newly chosen person: old notices stay quiet
    for (const n of fresh) this.toast(n);
  }

  toast(answer) {
    const layer = $("telegram-toasts");
    const node = h("div", { class: `tg-toast${answer.alert ? " alert" : ""}`, role: answer.alert ? "alertdialog" : "status" },
      h("span", {}, answer.text));
    if (answer.alert) node.append(h("button", { type: "button", onclick: () => node.remove() }, "OK"));
    else setTimeout(() => node.remove(), 4500);
    layer.append(node);
  }
}
