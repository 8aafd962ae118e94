// Telegram's side of the page: parse_mode HTML limited to Telegram's own tags, bubbles, inline keyboards.

import { clock, h, image, link } from "./dom.js";

// Telegram's HTML subset (https://core.telegram.org/bots/api#html-style); anything else is shown as its text.
const TAGS = {
  b: "b", strong: "b", i: "i", em: "i", u: "u", ins: "u", s: "s", strike: "s", del: "s",
  code: "code", pre: "pre", blockquote: "blockquote", "tg-spoiler": "span", span: "span", a: "a",
};

function convert(source, target) {
  for (const child of source.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      target.append(document.createTextNode(child.data));
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const tag = TAGS[child.localName];
    let node;
    if (!tag) node = target; // unknown tag: keep only its text
    else if (tag === "a") node = link(child.getAttribute("href"));
    else if (tag === "span") node = h("span", { class: child.localName === "tg-spoiler" || child.classList.contains("tg-spoiler") ? "spoiler" : null });
    else node = h(tag);
    convert(child, node);
    if (node !== target) target.append(node);
  }
  return target;
}

// The parser builds an inert document: nothing in it runs or loads; only text and allowed tags are copied out.
export function telegramHtml(text) {
  const parsed = new DOMParser().parseFromString(String(text || ""), "text/html");
  return convert(parsed.body, h("div", { class: "tg-text" }));
}

function body(message) {
  return message.html ? telegramHtml(message.text) : h("div", { class: "tg-text" }, message.text);
}

export function snippet(message, limit = 90) {
  const text = (message.html ? telegramHtml(message.text).textContent : message.text || "").replace(/\s+/g, " ").trim();
  const shown = text || (message.photo ? "Photo" : "");
  return shown.length > limit ? `${shown.slice(0, limit - 1)}…` : shown;
}

function keyboard(message, ctx) {
  if (!message.buttons.length) return null;
  return h("div", { class: "tg-keyboard" }, ...message.buttons.map((row) => h("div", { class: "tg-krow" },
    ...row.map((b) => {
      if (b.url) {
        const anchor = link(b.url, b.text, h("span", { class: "corner" }, "↗"));
        anchor.className = "tg-kbutton";
        return anchor;
      }
      if (!b.data) return h("span", { class: "tg-kbutton disabled" }, b.text);
      return h("button", { type: "button", class: "tg-kbutton", onclick: () => ctx.onPress(message, b.data) }, b.text);
    }))));
}

function quote(message, ctx) {
  const replied = message.reply_to;
  if (!replied) return null;
  return h("div", { class: "tg-quote" },
    h("div", { class: "who" }, replied.mine ? ctx.userName : ctx.botName), h("div", { class: "what" }, snippet(replied)));
}

export function bubble(message, ctx) {
  const photo = message.photo
    ? image(message.photo_url, snippet(message, 60) || "Photo", "tg-photo")
    : null;
  const meta = h("span", { class: "tg-meta" }, message.edited ? "edited " : "", clock(message.date), message.mine ? " ✓✓" : "");
  const inner = h("div", { class: `tg-bubble${photo ? " has-photo" : ""}` }, quote(message, ctx), photo,
    message.text ? body(message) : null, meta);
  const reply = message.mine ? null : h("button", {
    type: "button", class: "tg-reply", title: "Reply", "aria-label": `Reply to message ${message.id}`,
    onclick: () => ctx.onReply(message),
  }, "↩");
  // Your own text: Edit (the bot gets edited_message) and /delete (Telegram tells bots of no deletes).
  const own = message.mine && message.text && !message.photo && ctx.onEdit ? h("span", { class: "tg-own" },
    h("button", { type: "button", class: "tg-reply tg-edit", title: "Edit", "aria-label": `Edit message ${message.id}`,
      onclick: () => ctx.onEdit(message) }, "✎"),
    h("button", { type: "button", class: "tg-reply tg-delete", title: "Delete everywhere (replies /delete to it)",
      "aria-label": `Delete message ${message.id} everywhere`, onclick: () => ctx.onDelete(message) }, "⌫")) : null;
  return h("div", { class: `tg-row ${message.mine ? "mine" : "theirs"}`, dataset: { id: message.id } },
    h("div", { class: "tg-stack" }, h("div", { class: "tg-line" }, own, inner, reply), keyboard(message, ctx)));
}
