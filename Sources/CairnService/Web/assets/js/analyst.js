// The analyst's pages: `/analyst` creates a study or opens one, `/analyst/{study}` is its
// dashboard. Both are this one page; the address says which to show.

import { showCreatePage } from "./analyst-create.js";
import { showDashboard } from "./analyst-dashboard.js";
import { h, setState, show } from "./analyst-ui.js";

function start() {
  const parts = location.pathname.split("/").filter(Boolean);
  if (parts.length <= 1) {
    showCreatePage();
    return;
  }
  let study;
  try {
    study = decodeURIComponent(parts.slice(1).join("/"));
  } catch {
    study = "";
  }
  if (!study) {
    setState("error");
    show(h("h1", {}, "No such study"), h("p", {}, "This address names no study. ", h("a", { href: "/analyst" }, "Open a study's dashboard")));
    return;
  }
  showDashboard(study);
}

start();
