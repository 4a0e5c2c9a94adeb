// Small helpers shared by the analyst's pages: building elements, copying, downloading, the
// page's state, plain-language errors and where the analyst credential is kept.

import { h } from "./dom.js";

export { h, svg, download } from "./dom.js";

/** What the tests and the stylesheet read: loading, create, signin, dashboard or error. */
export function setState(state) {
  document.body.dataset.state = state;
}

/** Replaces the page's content and moves the keyboard focus to its first heading, so that a
 *  screen reader announces the new page. */
export function show(...children) {
  const app = document.getElementById("app");
  app.replaceChildren(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
  const heading = app.querySelector("h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

/** A live region that says `message` (and replaces what it said before). */
export function say(region, message, kind = "") {
  region.className = message && kind ? `notice ${kind}` : "muted";
  region.textContent = message ?? "";
}

/** Copies `text`; the clipboard API needs a secure context, the fallback does not. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h("textarea", { class: "visually-hidden", "aria-hidden": "true", readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    let copied = false;
    try { copied = document.execCommand("copy"); } catch { copied = false; }
    area.remove();
    return copied;
  }
}

/** A button that copies what `text()` returns and says whether it worked, next to itself. */
export function copyButton(text, label = "Copy", describedLabel = label) {
  const status = h("span", { class: "copy-status", role: "status" });
  const button = h("button", {
    type: "button", class: "copy", "aria-label": describedLabel,
    on: {
      click: async () => {
        const copied = await copyText(text());
        status.textContent = copied ? "Copied" : "Could not copy: select the text and copy it by hand";
        setTimeout(() => { status.textContent = ""; }, 4000);
      },
    },
  }, label);
  return h("span", { class: "copy-group" }, button, status);
}

/** An API failure in plain language. `about` says what the secret was: "credential" for the
 *  analyst credential, "operator" for the operator token. Never repeats a secret. */
export function explain(error, about = "credential") {
  if (!error || typeof error.status !== "number") return "Something went wrong in this page. Reload it and try again.";
  if (error.status === 401 && about === "credential") {
    return "This credential is not the study's analyst credential. Check that you pasted the whole credential "
      + "(it starts with cairn-analyst-) for this very study.";
  }
  if (error.status === 401 && about === "operator") {
    return "The operator token is not this service's. Ask the service provider for it again "
      + "(it is in the file operator-token of the service's data folder).";
  }
  if (error.status === 429) {
    const wait = error.retryAfter ? `${error.retryAfter} second${error.retryAfter === 1 ? "" : "s"}` : "a little while";
    return `Too many attempts in a short time. Wait ${wait}, then try again.`;
  }
  if (error.status === 0) return "The study service cannot be reached. Check your network connection; this page tries again.";
  return error.message;
}

// The analyst credential lives in this tab's session storage only: it is gone when the tab
// closes, it is never in an address, and "Forget the credential" removes it at once.
const credentialKey = (study) => `cairn.analyst-credential.${study}`;

export function storedCredential(study) {
  try { return sessionStorage.getItem(credentialKey(study)); } catch { return null; }
}

export function storeCredential(study, credential) {
  try { sessionStorage.setItem(credentialKey(study), credential); } catch { /* private mode: sign in again next time */ }
}

export function forgetCredential(study) {
  try { sessionStorage.removeItem(credentialKey(study)); } catch { /* nothing stored */ }
}

/** A local date and time, for example "21 Nov 2026, 14:05". */
export function when(iso, { seconds = false } = {}) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleString(undefined, {
    day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
    ...(seconds ? { second: "2-digit" } : {}),
  });
}

/** A whole number with grouping, for example "12,345". */
export const count = (n) => Number(n ?? 0).toLocaleString();

/** One CSV field, quoted when it has to be (as the service's own CSV does). */
export function csvField(text) {
  const value = String(text ?? "");
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
