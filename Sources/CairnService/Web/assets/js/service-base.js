// Where the study service is, for a page that may be hosted elsewhere (docs/DEPLOYMENT.md).
//
// The page asks its own host for `/service.json`. The study service answers `{}` (the API is on
// this origin); a copy of the pages on another host (`cairn web export --service URL`) holds
// `{"service": "https://cairn.example.org"}`. The address comes from the host, never from the
// link: a link cannot send a contributor's code and numbers to some other server, and whoever
// can change this file could change the page's code as well.

let located;

/** The service's origin ("" for this page's own origin); asked once per page. */
export function serviceBase() {
  located ??= locate();
  return located;
}

async function locate() {
  let response;
  try {
    response = await fetch("/service.json", { cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" });
  } catch {
    throw new Error("This page's host cannot be reached. Check your network connection and try again; nothing was lost.");
  }
  if (response.status === 404) return "";
  let service;
  try {
    ({ service } = await response.json());
  } catch {
    service = null;
  }
  if (service === undefined) return "";
  const url = typeof service === "string" && URL.canParse(service) ? new URL(service) : null;
  const local = url?.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1");
  if (!url || !(url.protocol === "https:" || local) || url.origin !== service.replace(/\/$/, "")) {
    throw new Error("This page's host names no valid study service in its service.json (it must be an https:// address "
      + "such as https://cairn.example.org). Tell the study's analyst; nothing was sent.");
  }
  return url.origin;
}
