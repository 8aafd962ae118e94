// Slack's side of the page: mrkdwn, Block Kit messages and modals, drawn as DOM (never innerHTML).

import { h, image, link } from "./dom.js";

const EMOJI = {
  lock: "🔒", warning: "⚠️", pushpin: "📌", white_check_mark: "✅", x: "❌", wave: "👋", tada: "🎉",
  bell: "🔔", inbox_tray: "📥", mailbox: "📫", speech_balloon: "💬", link: "🔗", bust_in_silhouette: "👤",
};
const TOKEN_BASE = 0xe000; // private-use characters stand in for <…> links while formatting is parsed
const FORMAT = /```([\s\S]+?)```|`([^`\n]+)`|(?<![\p{L}\p{N}])\*(?!\s)([^*\n]+?)\*(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])_(?!\s)([^_\n]+?)_(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])~(?!\s)([^~\n]+?)~(?![\p{L}\p{N}])/u;

function unescape(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function emoji(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

function angle(inner, names) {
  const [target, label] = inner.split(/\|(.*)/s);
  if (target.startsWith("@")) return h("span", { class: "mention" }, "@", label || names[target.slice(1)] || target.slice(1));
  if (target.startsWith("#")) return h("span", { class: "mention" }, "#", label || target.slice(1));
  if (target.startsWith("!")) return h("span", { class: "mention" }, "@", label || target.slice(1).split("^")[0]);
  return link(unescape(target), unescape(label || target));
}

// Plain text with link placeholders: placeholders become their link nodes, entities are decoded.
function textNodes(text, tokens) {
  const out = [];
  let run = "";
  for (const ch of text) {
    const index = ch.codePointAt(0) - TOKEN_BASE;
    if (index >= 0 && index < tokens.length) {
      if (run) out.push(emoji(unescape(run)));
      run = "";
      out.push(tokens[index]);
    } else {
      run += ch;
    }
  }
  if (run) out.push(emoji(unescape(run)));
  return out;
}

function formatted(text, tokens) {
  const out = [];
  let rest = text;
  while (rest) {
    const match = FORMAT.exec(rest);
    if (!match) { out.push(...textNodes(rest, tokens)); break; }
    out.push(...textNodes(rest.slice(0, match.index), tokens));
    const [, pre, code, bold, italic, strike] = match;
    if (pre !== undefined) out.push(h("pre", {}, ...textNodes(pre, tokens)));
    else if (code !== undefined) out.push(h("code", {}, ...textNodes(code, tokens)));
    else if (bold !== undefined) out.push(h("b", {}, ...formatted(bold, tokens)));
    else if (italic !== undefined) out.push(h("i", {}, ...formatted(italic, tokens)));
    else out.push(h("s", {}, ...formatted(strike, tokens)));
    rest = rest.slice(match.index + match[0].length);
  }
  return out;
}

export function mrkdwn(text, names = {}) {
  const tokens = [];
  const clean = String(text || "").replace(/[\ue000-\uf8ff]/g, "\ufffd");
  const marked = clean.replace(/<([^<>\n]+)>/g, (whole, inner) => {
    tokens.push(angle(inner, names));
    return String.fromCodePoint(TOKEN_BASE + tokens.length - 1);
  });
  return h("div", { class: "mrkdwn" }, ...formatted(marked, tokens));
}

function textObject(object, names) {
  if (!object) return null;
  if (object.type === "mrkdwn") return mrkdwn(object.text, names);
  return h("div", { class: "plain" }, emoji(object.text || ""));
}

function plain(object) {
  return (object && object.text) || "";
}

function button(element, ctx, blockId) {
  const label = plain(element.text);
  const style = element.style ? ` ${element.style}` : "";
  const action = { action_id: element.action_id, block_id: blockId, value: element.value, text: label, url: element.url };
  if (element.url) {
    const anchor = link(element.url, label, " ↗");
    anchor.className = `sk-button${style}`;
    anchor.addEventListener("click", () => ctx.onAction(action)); // Slack still tells the app
    return anchor;
  }
  return h("button", { class: `sk-button${style}`, type: "button", onclick: () => ctx.onAction(action) }, label);
}

// A static_select outside a form (a Home tab's menu): choosing an option is a block_actions, as in Slack.
function menu(element, ctx, blockId) {
  const initial = element.initial_option && element.initial_option.value;
  const select = h("select", { class: "sk-menu", "aria-label": plain(element.placeholder) || "Choose" },
    initial ? null : h("option", { value: "" }, plain(element.placeholder) || "Choose…"),
    ...(element.options || []).map((o) => option(o, o.value === initial)));
  select.addEventListener("change", () => {
    const chosen = (element.options || []).find((o) => o.value === select.value);
    if (chosen) ctx.onAction({ action_id: element.action_id, block_id: blockId, selected_option: { value: chosen.value, text: plain(chosen.text) } });
  });
  return select;
}

function accessory(element, ctx, blockId) {
  if (!element) return null;
  if (element.type === "button") return button(element, ctx, blockId);
  if (element.type === "static_select") return menu(element, ctx, blockId);
  if (element.type === "image") return image(element.image_url, element.alt_text, "sk-thumb");
  return h("span", { class: "unsupported" }, `[${element.type}]`);
}

function block(item, ctx) {
  const names = ctx.names || {};
  switch (item.type) {
    case "section":
      return h("div", { class: "sk-section" },
        h("div", { class: "sk-section-body" }, textObject(item.text, names),
          item.fields ? h("div", { class: "sk-fields" }, ...item.fields.map((f) => textObject(f, names))) : null),
        accessory(item.accessory, ctx, item.block_id));
    case "context":
      return h("div", { class: "sk-context" }, ...(item.elements || []).map((e) =>
        e.type === "image" ? image(e.image_url, e.alt_text, "sk-context-img") : textObject(e, names)));
    case "image":
      return h("figure", { class: "sk-image" },
        item.title ? h("figcaption", {}, plain(item.title)) : null, image(item.image_url, item.alt_text, "sk-img"));
    case "actions":
      return h("div", { class: "sk-actions" }, ...(item.elements || []).map((e) => accessory(e, ctx, item.block_id)));
    case "divider":
      return h("hr", { class: "sk-divider" });
    case "header":
      return h("div", { class: "sk-header" }, plain(item.text));
    case "input":
      return input(item, ctx);
    default:
      return h("div", { class: "unsupported" }, `[${item.type} block]`);
  }
}

export function blocks(list, ctx) {
  return h("div", { class: "blocks" }, ...(list || []).map((item) => block(item, ctx)));
}

function option(choice, selected) {
  return h("option", { value: choice.value, selected: selected }, plain(choice.text));
}

function element(item) {
  const e = item.element || {};
  const id = `in-${item.block_id}`;
  if (e.type === "plain_text_input") {
    const attrs = { id, name: item.block_id, placeholder: plain(e.placeholder), maxlength: e.max_length };
    const field = e.multiline ? h("textarea", { ...attrs, rows: 3 }) : h("input", { ...attrs, type: "text" });
    field.value = e.initial_value || "";
    return field;
  }
  if (e.type === "url_text_input") {  // Slack checks it is a URL before sending the form; so does the browser here
    const field = h("input", { id, name: item.block_id, type: "url", placeholder: plain(e.placeholder) });
    field.value = e.initial_value || "";
    return field;
  }
  if (e.type === "static_select") {
    const initial = e.initial_option && e.initial_option.value;
    return h("select", { id, name: item.block_id },
      initial ? null : h("option", { value: "" }, plain(e.placeholder) || "Choose…"),
      ...(e.options || []).map((o) => option(o, o.value === initial)));
  }
  if (e.type === "multi_static_select" || e.type === "checkboxes") {
    const initial = new Set((e.initial_options || []).map((o) => o.value));
    return h("div", { class: "sk-checks", id },
      ...(e.options || []).map((o) => h("label", {},
        h("input", { type: "checkbox", value: o.value, checked: initial.has(o.value) }), " ", plain(o.text))));
  }
  return h("div", { class: "unsupported" }, `[${e.type}]`);
}

function input(item) {
  return h("div", { class: "sk-input", dataset: { block: item.block_id } },
    h("label", { for: `in-${item.block_id}` }, plain(item.label), item.optional ? h("span", { class: "optional" }, " (optional)") : null),
    element(item),
    item.hint ? h("div", { class: "hint" }, plain(item.hint)) : null,
    h("div", { class: "error", role: "alert" }));
}

function find(choices, value) {
  const found = (choices || []).find((o) => o.value === value);
  return found ? { text: found.text, value: found.value } : null;
}

// state.values of a modal, shaped like Slack's: {block_id: {action_id: state}}.
export function values(view, root) {
  const out = {};
  for (const item of view.blocks || []) {
    if (item.type !== "input") continue;
    const e = item.element || {};
    const node = root.querySelector(`[data-block="${CSS.escape(item.block_id)}"]`);
    let state = { type: e.type };
    if (e.type === "plain_text_input" || e.type === "url_text_input") state.value = node.querySelector("input, textarea").value || null;
    else if (e.type === "static_select") state.selected_option = find(e.options, node.querySelector("select").value);
    else {
      const picked = [...node.querySelectorAll("input:checked")].map((box) => find(e.options, box.value)).filter(Boolean);
      state = { type: e.type, selected_options: picked };
    }
    out[item.block_id] = { [e.action_id]: state };
  }
  return out;
}

export function showErrors(root, errors) {
  for (const node of root.querySelectorAll(".sk-input .error")) node.textContent = "";
  for (const [blockId, message] of Object.entries(errors || {})) {
    const node = root.querySelector(`[data-block="${CSS.escape(blockId)}"] .error`);
    if (node) node.textContent = message;
  }
}

export function modal(view, ctx) {
  const form = h("form", { class: "sk-modal", role: "dialog", "aria-modal": "true", "aria-label": plain(view.title) });
  const close = () => ctx.onClose(view);
  form.append(
    h("div", { class: "sk-modal-head" }, h("h2", {}, plain(view.title)),
      h("button", { type: "button", class: "icon", "aria-label": "Close", onclick: close }, "×")),
    h("div", { class: "sk-modal-body" }, blocks(view.blocks, ctx)),
    h("div", { class: "sk-modal-foot" },
      h("button", { type: "button", class: "sk-button", onclick: close }, plain(view.close) || "Close"),
      view.submit ? h("button", { type: "submit", class: "sk-button primary" }, plain(view.submit)) : null));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.onSubmit(view, values(view, form), form);
  });
  return form;
}
