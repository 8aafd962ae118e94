// The Slack app's Home tab of whoever is signed in on the Slack pane: opening it is Slack's
// app_home_opened; what shows is the view Pinbridge published (views.publish); buttons and menus act for them.

import { api, attempt, notice } from "./api.js";
import { h } from "./dom.js";
import { blocks } from "./slack.js";

const POLL_MS = 1500;
const $ = (id) => document.getElementById(id);
const user = () => localStorage.getItem("pinbridge.slack") || "";

let drawn = "";
let openedFor = "";

function draw(home) {
  const key = home ? `${home.id}:${home.hash}` : "";
  if (key === drawn) return;
  drawn = key;
  const ctx = {
    names: {},
    onAction: async (action) => { await attempt(() => api("slack/home/click", { user: user(), action })); refresh(); },
  };
  $("slack-home-view").replaceChildren(home ? blocks(home.blocks, ctx)
    : h("div", { class: "empty" }, "Nothing published yet — Pinbridge publishes this tab when it is opened."));
}

async function refresh() {
  if (!$("slack-home").open || !user()) return;
  const found = await api(`slack/home?${new URLSearchParams({ user: user() })}`).catch(() => null);
  if (found) draw(found.home);
}

// Each time the tab is opened (or the signed-in person changes while it is open), Slack tells the app.
async function opened() {
  if (!$("slack-home").open) { openedFor = ""; return; }
  if (!user()) { notice("Create or pick a Slack user first.", "error"); return; }
  if (openedFor === user()) return;
  openedFor = user();
  drawn = "";
  await attempt(() => api("slack/home", { user: user(), tab: "home" }));
  refresh();
}

if ($("slack-home")) {
  $("slack-home").addEventListener("toggle", opened);
  const poll = () => { if (openedFor && openedFor !== user()) opened(); refresh().finally(() => setTimeout(poll, document.hidden ? POLL_MS * 5 : POLL_MS)); };
  poll();
}
