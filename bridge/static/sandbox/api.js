// The page's calls to /sandbox/ui/…, and the one notice line under the top bar.

import { h } from "./dom.js";

export async function api(path, payload) {
  const options = payload === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
  };
  const response = await fetch(`/sandbox/ui/${path}`, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `The sandbox answered HTTP ${response.status}.`);
  return data;
}

let timer = null;

export function notice(text, kind = "info") {
  const box = document.getElementById("notice");
  box.replaceChildren(h("span", { class: `notice ${kind}` }, text));
  clearTimeout(timer);
  timer = setTimeout(() => box.replaceChildren(), kind === "error" ? 9000 : 5000);
}

// Run an action; its error (a refusal from the sandbox) becomes a notice instead of an exception.
export async function attempt(action) {
  try {
    return await action();
  } catch (error) {
    notice(error.message, "error");
    return null;
  }
}

// Keep a list scrolled to the newest entry unless the reader scrolled up.
export function replaceKeepingBottom(list, nodes) {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...nodes);
  if (atBottom || !list.dataset.drawn) list.scrollTop = list.scrollHeight;
  list.dataset.drawn = "1";
}

export function fillPeople(select, people, chosen, label) {
  const options = people.map((p) => h("option", { value: String(p.id), selected: String(p.id) === chosen }, label(p)));
  if (!people.length) options.push(h("option", { value: "" }, "nobody yet"));
  const key = JSON.stringify([people, chosen]);
  if (select.dataset.key !== key) {
    select.replaceChildren(...options);
    select.dataset.key = key;
  }
}
