// Building DOM safely: text always goes in as text nodes, links only to http(s) and mailto.

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function safeUrl(value) {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value, window.location.href);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

export function link(href, ...children) {
  const url = safeUrl(href);
  if (!url) return h("span", {}, ...children);
  return h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, ...children);
}

// An image that turns into its alt text when it cannot load (the sandbox is often offline).
export function image(src, alt, className) {
  const url = safeUrl(src);
  const missing = () => h("div", { class: `${className} missing`, title: alt || "" }, "🖼 ", alt || "image");
  if (!url) return missing();
  const img = h("img", { class: className, src: url, alt: alt || "", loading: "lazy", referrerpolicy: "no-referrer" });
  img.addEventListener("error", () => img.replaceWith(missing()), { once: true });
  return img;
}

export function clock(seconds) {
  const date = new Date(seconds * 1000);
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function initials(name) {
  return (name || "?").trim().slice(0, 1).toUpperCase();
}

// A stable pleasant colour per name, for avatars.
export function hue(name) {
  let sum = 0;
  for (const ch of name || "") sum = (sum * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${sum}, 55%, 45%)`;
}

export function avatar(name, extra = "") {
  const node = h("div", { class: `avatar ${extra}`.trim(), "aria-hidden": "true" }, initials(name));
  node.style.background = hue(name);
  return node;
}
