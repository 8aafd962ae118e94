// #general on the Slack workspace: whoever is signed in on the Slack pane posts there, and a Pinbridge
// link gets its preview (link_shared → chat.unfurl) under the message. Buttons on a preview act for them.

import { api, attempt, replaceKeepingBottom } from "./api.js";
import { avatar, clock, h } from "./dom.js";
import { blocks } from "./slack.js";

const POLL_MS = 1500;
const $ = (id) => document.getElementById(id);
const user = () => localStorage.getItem("pinbridge.slack") || "";

let drawn = "";

function item(message) {
  const ctx = { names: {}, onAction: (action) => attempt(() => api("slack/click", { user: user(), action: { ...action, message_ts: null } })) };
  const previews = message.unfurls.map((preview) => h("div", { class: "sk-unfurl", "data-url": preview.url },
    blocks(preview.blocks, ctx)));
  return h("div", { class: "sk-msg" }, avatar(message.name, ""),
    h("div", { class: "sk-main" }, h("div", { class: "sk-head" }, h("strong", {}, message.name), h("time", {}, clock(message.ts))),
      h("div", { class: "sk-typed" }, message.text), ...previews));
}

async function refresh() {
  const found = await api("slack/channel").catch(() => null);
  if (!found) return;
  const key = JSON.stringify(found.items);
  if (key === drawn) return;
  drawn = key;
  replaceKeepingBottom($("general-feed"), found.items.length ? found.items.map(item)
    : [h("div", { class: "empty" }, "Post a Pinbridge link (say, a /p/1 pin page) to see its preview.")]);
}

async function say() {
  const box = $("general-input");
  const text = box.value.trim();
  if (!text) return;
  box.value = "";
  if (await attempt(() => api("slack/channel", { user: user(), text })) === null) box.value = text;
  refresh();
}

if ($("general")) {
  $("general-form").addEventListener("submit", (event) => { event.preventDefault(); say(); });
  const poll = () => refresh().finally(() => setTimeout(poll, document.hidden ? POLL_MS * 5 : POLL_MS));
  poll();
}
