// `/analyst/{study}`: the study's dashboard. Sign in with the analyst credential, follow
// participation, make participation links, close the study and follow the computation. The
// results never appear here: only the analyst's own compute party learns them.

import { getStudy, getDefinitionBytes, getParticipation, linkParticipants, closeStudy, getProgress } from "./api.js";
import { participantTag, hex, base64 } from "./submission.js";
import {
  h, setState, show, say, copyButton, download, explain, when, count, csvField,
  storedCredential, storeCredential, forgetCredential,
} from "./analyst-ui.js";
import { drawChart } from "./analyst-chart.js";

const participationInterval = 5000;
const progressInterval = 1500;
/** Once every party has finished, the progress is still looked at now and then (a party may run again). */
const settledProgressInterval = 15000;

/** Timers of the dashboard on screen; a new rendering stops the previous one's. */
let generation = 0;

export async function showDashboard(studyID) {
  generation += 1;
  setState("loading");
  let published;
  try {
    published = await getStudy(studyID);
  } catch (error) {
    showError(studyID, error.status === 404
      ? `There is no study “${studyID}” on this service. Check the study ID (it is the "id" of the study's definition).`
      : explain(error));
    return;
  }
  const title = published.definition?.title ?? studyID;
  document.title = `${title} – Cairn`;
  const credential = storedCredential(studyID);
  if (!credential) {
    showSignIn(studyID, published);
    return;
  }
  try {
    const participation = await getParticipation(studyID, credential);
    showSignedIn(studyID, published, credential, participation);
  } catch (error) {
    if (error.status === 401) {
      forgetCredential(studyID);
      showSignIn(studyID, published, "The credential this tab remembered is not accepted any more. Sign in again.");
    } else {
      showError(studyID, explain(error), true);
    }
  }
}

function showError(studyID, message, retry = false) {
  setState("error");
  updateSiteActions(null);
  show(
    h("h1", {}, "The dashboard cannot be shown"),
    h("p", { class: "notice error", role: "alert" }, message),
    h("p", { class: "actions" },
      retry && h("button", { type: "button", class: "primary", on: { click: () => showDashboard(studyID) } }, "Try again"),
      h("a", { class: "button", href: "/analyst" }, "Create or open another study")));
}

function heading(studyID, published) {
  const definition = published.definition ?? {};
  return [
    h("h1", {}, definition.title ?? studyID),
    h("p", { class: "study-facts" },
      h("span", {}, "Study ID ", h("code", {}, studyID)),
      h("span", {}, "Status ", h("strong", { id: "study-status", class: `status status-${published.status}` }, published.status)),
      published.createdAt && h("span", {}, `Created ${when(published.createdAt)}`),
      published.closedAt && h("span", { id: "closed-at" }, `Closed ${when(published.closedAt)}`)),
    definition.description && h("p", { class: "muted description" }, definition.description),
  ];
}

// MARK: Sign in

function showSignIn(studyID, published, notice = "") {
  setState("signin");
  updateSiteActions(null);
  const input = h("input", {
    id: "credential", type: "password", autocomplete: "off", spellcheck: "false", required: true,
    "aria-describedby": "credential-help",
  });
  const button = h("button", { id: "sign-in", type: "submit", class: "primary" }, "Sign in");
  const message = h("div", { id: "sign-in-message", role: "alert" });
  if (notice) say(message, notice, "warning");
  const form = h("form", { class: "panel narrow-panel", novalidate: true },
    h("h2", {}, "Sign in"),
    h("p", {}, h("label", { for: "credential" }, "Analyst credential"), h("br"), input),
    h("p", { id: "credential-help", class: "muted help" },
      "The credential shown once when the study was created (it starts with ", h("code", {}, "cairn-analyst-"),
      "; ", h("code", {}, "cairn study create"), " saves it in ", h("code", {}, `${studyID}.analyst-credential`),
      "). This tab keeps it until you close the tab or choose “Forget the credential”."),
    message,
    h("p", {}, button));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const credential = input.value.trim();
    if (!credential) {
      say(message, "Paste the study's analyst credential.", "error");
      input.focus();
      return;
    }
    button.disabled = true;
    say(message, "");
    try {
      const participation = await getParticipation(studyID, credential);
      storeCredential(studyID, credential);
      input.value = "";
      showSignedIn(studyID, published, credential, participation);
    } catch (error) {
      say(message, explain(error), "error");
      input.focus();
      input.select();
    } finally {
      button.disabled = false;
    }
  });
  show(heading(studyID, published), form);
  input.focus();
}

function updateSiteActions(studyID) {
  const actions = document.getElementById("site-actions");
  if (!actions) return;
  actions.replaceChildren();
  if (!studyID) return;
  actions.append(h("button", {
    type: "button", id: "sign-out", class: "small",
    on: {
      click: () => {
        forgetCredential(studyID);
        showDashboard(studyID);
      },
    },
  }, "Forget the credential (sign out)"));
}

// MARK: The dashboard

function showSignedIn(studyID, published, credential, participation) {
  generation += 1;
  const mine = generation;
  const live = () => mine === generation;
  setState("dashboard");
  updateSiteActions(studyID);
  const definition = published.definition ?? {};
  const linkCohorts = (definition.cohorts ?? []).filter((cohort) => cohort.assignedBy === "link");
  const open = published.status === "open";

  const refreshStatus = h("p", { id: "refresh-status", class: "muted", role: "status" });
  const participationPanel = participationSection(studyID, credential, linkCohorts, participation, refreshStatus);

  const sections = [heading(studyID, published), participationPanel.element];
  if (open) {
    sections.push(linksSection(studyID, credential, linkCohorts));
    sections.push(closeSection(studyID, credential, definition, () => showDashboard(studyID)));
  } else {
    const progress = progressSection(studyID, credential, definition, participation.submitted);
    sections.push(progress.element);
    const poll = async () => {
      if (!live()) return;
      const settled = await progress.refresh();
      if (live()) setTimeout(poll, settled ? settledProgressInterval : progressInterval);
    };
    poll();
  }
  show(sections);

  // Participation changes only while the study is open; the status may change elsewhere
  // (`cairn study close`), and then the dashboard is drawn again for a closed study.
  const refresh = async () => {
    if (!live()) return;
    try {
      const latest = await getParticipation(studyID, credential, participationPanel.bucket());
      if (!live()) return;
      participationPanel.update(latest);
      say(refreshStatus, `Updated ${new Date().toLocaleTimeString()}${latest.status === "open" ? "; updates every 5 seconds" : ""}.`);
      if (latest.status !== published.status) {
        showDashboard(studyID);
        return;
      }
    } catch (error) {
      if (!live()) return;
      if (error.status === 401) {
        forgetCredential(studyID);
        showDashboard(studyID);
        return;
      }
      say(refreshStatus, explain(error), "warning");
    }
    if (live() && open) setTimeout(refresh, participationInterval);
  };
  say(refreshStatus, `Updated ${new Date().toLocaleTimeString()}${open ? "; updates every 5 seconds" : ""}.`);
  if (open) setTimeout(refresh, participationInterval);
}

// MARK: Participation

function participationSection(studyID, credential, linkCohorts, first, refreshStatus) {
  let bucket = "hour";
  const linked = h("span", { id: "linked-count", class: "figure" });
  const submitted = h("span", { id: "submitted-count", class: "figure" });
  const rate = h("span", { id: "response-rate", class: "figure" });
  const chart = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  chart.id = "over-time";
  chart.classList.add("chart");
  const cohorts = h("div", { id: "cohort-counts" });
  let latest = first;

  const toggles = ["hour", "day"].map((unit) => h("button", {
    type: "button", "data-bucket": unit, "aria-pressed": String(unit === bucket),
    on: {
      click: async () => {
        if (bucket === unit) return;
        bucket = unit;
        for (const toggle of toggles) toggle.setAttribute("aria-pressed", String(toggle.dataset.bucket === bucket));
        try {
          update(await getParticipation(studyID, credential, bucket));
        } catch (error) {
          say(refreshStatus, explain(error), "warning");
        }
      },
    },
  }, unit === "hour" ? "Per hour" : "Per day"));

  function update(participation) {
    latest = participation;
    linked.textContent = String(participation.linked);
    submitted.textContent = String(participation.submitted);
    rate.textContent = participation.linked > 0
      ? `${Math.round((100 * participation.submitted) / participation.linked)}%` : "–";
    drawChart(chart, participation.overTime ?? [], participation.bucket ?? bucket);
    cohorts.replaceChildren(...linkCohorts.map((cohort) => {
      const counts = participation.byCohort?.[cohort.id] ?? {};
      return h("table", { class: "counts", "data-cohort": cohort.id },
        h("caption", {}, cohort.question ?? cohort.id),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, cohort.id), h("th", { scope: "col", class: "number" }, "Contributors"))),
        h("tbody", {}, cohort.options.map((option) => h("tr", { "data-option": option },
          h("th", { scope: "row" }, option), h("td", { class: "number" }, String(counts[option] ?? 0))))));
    }));
  }
  update(first);

  const element = h("section", { class: "panel", "aria-labelledby": "participation-heading" },
    h("h2", { id: "participation-heading" }, "Participation"),
    h("div", { class: "figures" },
      h("p", {}, linked, h("span", { class: "figure-label" }, "participation links made")),
      h("p", {}, submitted, h("span", { class: "figure-label" }, "contributors have submitted")),
      h("p", {}, rate, h("span", { class: "figure-label" }, "of the links were used"))),
    h("div", { class: "chart-heading" },
      h("h3", {}, "Submissions over time"),
      h("div", { class: "toggle", role: "group", "aria-label": "Group the submissions" }, toggles)),
    chart,
    h("p", { class: "muted help" }, "The bars count submissions: a contributor who sends a corrected submission "
      + "counts again in that hour or day. The figures above count each contributor once."),
    linkCohorts.length > 0 && h("h3", {}, "By cohort assigned by link"),
    cohorts,
    refreshStatus,
    h("p", { class: "muted help" }, "Counts only: who contributed, and what, is never shown."));
  return { element, update, bucket: () => bucket, latest: () => latest };
}

// MARK: Participation links

function linksSection(studyID, credential, linkCohorts) {
  const howMany = h("input", { id: "link-count", type: "number", min: "1", max: "100000", step: "1", value: "10", required: true, class: "short" });
  const expiry = h("input", { id: "link-expiry-days", type: "number", min: "1", max: "3650", step: "1", class: "short", "aria-describedby": "link-expiry-help" });
  const selects = linkCohorts.map((cohort) => h("select", {
    id: `link-cohort-${cohort.id}`, "data-link-cohort": cohort.id, required: true,
  }, h("option", { value: "" }, "Choose…"), cohort.options.map((option) => h("option", { value: option }, option))));
  const definitionFile = h("input", { id: "link-definition", type: "file", accept: ".json,application/json", "aria-describedby": "link-definition-help" });
  const button = h("button", { id: "make-links", type: "submit", class: "primary" }, "Make links");
  const message = h("div", { id: "links-message", role: "alert" });
  const output = h("div", { id: "links-output" });

  const form = h("form", { class: "links-form", novalidate: true },
    h("div", { class: "fields" },
      h("p", {}, h("label", { for: "link-count" }, "How many links"), h("br"), howMany),
      linkCohorts.map((cohort, index) => h("p", {},
        h("label", { for: `link-cohort-${cohort.id}` }, cohort.question ?? cohort.id), h("br"), selects[index])),
      h("p", {}, h("label", { for: "link-expiry-days" }, "Valid for (days, optional)"), h("br"), expiry),
      h("p", {}, h("label", { for: "link-definition" }, "Your definition file (to check it)"), h("br"), definitionFile)),
    h("p", { id: "link-definition-help", class: "muted help" },
      "The links pin the study's definition as the service serves it. Choose the definition file you published "
        + "and the links are made only if the service serves exactly that file."),
    h("p", { id: "link-expiry-help", class: "muted help" },
      "Without a number of days, the links work until you close the study.",
      linkCohorts.length > 0
        ? " Each link assigns its contributor to the cohort chosen here; make one batch of links per cohort option."
        : ""),
    message,
    h("p", {}, button));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say(message, "");
    const n = Number(howMany.value);
    if (!Number.isInteger(n) || n < 1 || n > 100000) {
      say(message, "The number of links must be a whole number from 1 to 100000.", "error");
      howMany.focus();
      return;
    }
    const cohorts = {};
    for (const select of selects) {
      if (!select.value) {
        const cohort = linkCohorts.find((c) => c.id === select.dataset.linkCohort);
        say(message, `Choose the ${cohort.question ? `answer to “${cohort.question}”` : `cohort ${cohort.id}`} for these links.`, "error");
        select.focus();
        return;
      }
      cohorts[select.dataset.linkCohort] = select.value;
    }
    const request = {};
    if (selects.length > 0) request.cohorts = cohorts;
    if (expiry.value.trim()) {
      const days = Number(expiry.value);
      if (!Number.isInteger(days) || days < 1 || days > 3650) {
        say(message, "The links' validity must be a whole number of days from 1 to 3650, or left empty.", "error");
        expiry.focus();
        return;
      }
      request.expiresAt = new Date(Date.now() + days * 86400_000).toISOString();
    }
    button.disabled = true;
    button.textContent = "Making links…";
    try {
      const published = definitionFile.files?.[0] ? new Uint8Array(await definitionFile.files[0].arrayBuffer()) : null;
      const links = await issueLinks(studyID, credential, n, request, published);
      showLinks(output, studyID, links, linkCohorts);
      say(message, `${links.length} link${links.length === 1 ? "" : "s"} made.`, "success");
    } catch (error) {
      say(message, error instanceof DefinitionMismatch ? error.message : explain(error), "error");
    } finally {
      button.disabled = false;
      button.textContent = "Make links";
    }
  });

  return h("section", { class: "panel", "aria-labelledby": "links-heading" },
    h("h2", { id: "links-heading" }, "Participation links"),
    h("p", {}, "Each contributor gets a personal link; whoever holds it can submit for that contributor, "
      + "so send each link to one contributor only."),
    form, output);
}

// Participation codes are made here, never by the service: it receives only their tags (the
// same SHA-256 as `ParticipantTag` in CairnStudy), so it cannot mint contributors of its own, and
// the analyst keeps the list of tags issued for the analyst's compute party. Each link also
// carries the SHA-256 of the definition's bytes, which the contributor's page checks.

/** The service serves other definition bytes than the analyst's: its message is shown as it is. */
class DefinitionMismatch extends Error {}

const TAGS_PER_REQUEST = 500; // the service takes links requests up to 64 KiB

/** A fresh code: 18 random bytes in base64url, as `ParticipationCode.generate()`. */
function newCode() {
  return base64(crypto.getRandomValues(new Uint8Array(18))).replaceAll("+", "-").replaceAll("/", "_");
}

/**
 * Links for `n` new participants. `published`, when the analyst chose their definition file, holds
 * its bytes: the links are made only if the service serves exactly those (or, without a file, the
 * ones this tab created the study with, when it remembers them).
 */
async function issueLinks(studyID, credential, n, request, published = null) {
  const bytes = await getDefinitionBytes(studyID);
  const digest = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
  const remembered = sessionStorage.getItem(`cairn-definition:${studyID}`);
  if (remembered && remembered !== digest) {
    throw new DefinitionMismatch("The study's definition served by the service is not the one this browser created the study with, "
      + "so no links were made. Ask the service provider what changed.");
  }
  const chosen = published ? hex(new Uint8Array(await crypto.subtle.digest("SHA-256", published))) : null;
  if (chosen && chosen !== digest) {
    throw new DefinitionMismatch("The study's definition served by the service is not the file you chose (their fingerprints differ), "
      + "so no links were made. Check that you chose the file you published; if you did, ask the service provider what changed.");
  }
  const codes = Array.from({ length: n }, newCode);
  const tags = await Promise.all(codes.map(async (code) => hex(await participantTag(studyID, code))));
  for (let start = 0; start < tags.length; start += TAGS_PER_REQUEST) {
    await linkParticipants(studyID, credential, { ...request, participants: tags.slice(start, start + TAGS_PER_REQUEST) });
  }
  const base = `${location.origin}/contribute/${encodeURIComponent(studyID)}#`;
  return codes.map((code, index) => ({
    code, tag: tags[index], url: `${base}${code}.${digest}`, cohorts: request.cohorts ?? {}, expiresAt: request.expiresAt,
    digest, checked: remembered === digest ? "created" : chosen === digest ? "file" : null,
  }));
}

function linksCSV(links, linkCohorts) {
  const columns = linkCohorts.map((cohort) => cohort.id);
  const lines = [["url", "code", ...columns].map(csvField).join(",")];
  for (const link of links) lines.push([link.url, link.code, ...columns.map((id) => link.cohorts?.[id] ?? "")].map(csvField).join(","));
  return lines.join("\r\n") + "\r\n";
}

function showLinks(output, studyID, links, linkCohorts) {
  const csv = linksCSV(links, linkCohorts);
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
  const table = h("table", { id: "links", class: "links" },
    h("caption", { class: "visually-hidden" }, "The participation links just made"),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col", class: "number" }, "#"),
      h("th", { scope: "col" }, "Participation link"),
      linkCohorts.map((cohort) => h("th", { scope: "col" }, cohort.id)),
      links.some((link) => link.expiresAt) && h("th", { scope: "col" }, "Expires"),
      h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Copy")))),
    h("tbody", {}, links.map((link, index) => h("tr", {},
      h("td", { class: "number" }, String(index + 1)),
      h("td", { class: "url" }, h("a", { class: "participation-link", href: link.url, target: "_blank", rel: "noopener noreferrer" }, link.url)),
      linkCohorts.map((cohort) => h("td", {}, link.cohorts?.[cohort.id] ?? "")),
      links.some((entry) => entry.expiresAt) && h("td", {}, link.expiresAt ? when(link.expiresAt) : ""),
      h("td", {}, copyButton(() => link.url, "Copy", `Copy link ${index + 1}`))))));
  output.replaceChildren(
    h("p", { class: "notice warning" },
      h("strong", {}, "These links are shown only once. "),
      "The service keeps no copy of their codes: download or copy them now, before leaving this page or making more links."),
    h("p", { id: "links-fingerprint", class: "muted" },
      "The links carry the fingerprint (SHA-256) of the study's definition: ", h("code", {}, links[0].digest), ". ",
      links[0].checked === "created"
        ? "It is the fingerprint of the definition this browser created the study with."
        : links[0].checked === "file"
          ? "It is the fingerprint of the definition file you chose."
          : "Choose your definition file above to have it checked, or check that it is the fingerprint of your definition file (for example with sha256sum study.json) before sending the links: "
          + "contributors' pages refuse any other definition."),
    h("p", { class: "notice warning" },
      h("strong", {}, "Also download the list of issued participants "),
      "and give it to your compute party: when the study closes, it counts only submissions from the participants you issued ",
      "(", h("code", {}, "cairn compute --issued-participants"), ", once for each list)."),
    h("p", { class: "actions" },
      h("button", {
        type: "button", id: "download-links", class: "primary",
        on: { click: () => download(`${studyID}-links-${stamp}.csv`, csv, "text/csv") },
      }, "Download as CSV"),
      h("button", {
        type: "button", id: "download-issued",
        on: { click: () => download(`${studyID}-${stamp}.issued-participants`, links.map((link) => `${link.tag}\n`).join(""), "text/plain") },
      }, "Download the list of issued participants"),
      copyButton(() => links.map((link) => link.url).join("\n"), "Copy all links")),
    h("div", { class: "table-scroll" }, table));
}

// MARK: Closing

function closeSection(studyID, credential, definition, closed) {
  const parties = definition.computeParties ?? [];
  const message = h("div", { id: "close-message", role: "alert" });
  const confirm = h("button", { id: "confirm-close-button", type: "button", class: "danger primary" }, "Close the study for good");
  const cancel = h("button", { id: "cancel-close-button", type: "button" }, "Cancel");
  const dialog = h("dialog", { id: "confirm-close", "aria-labelledby": "confirm-close-heading" },
    h("h2", { id: "confirm-close-heading" }, "Close the study?"),
    h("p", {}, "Closing is final: participation links stop working, nobody can submit or change a submission, "
      + "and the study cannot be opened again."),
    h("p", {}, "Then each compute party runs the computation with its own configuration:"),
    h("pre", { class: "mono" }, `cairn compute --config <party's configuration>.json --study ${studyID} --definition <the study's definition file>`),
    h("p", { class: "muted" }, "Every party gets the same definition file from you. Your own party, which receives the results, also needs ",
      h("code", {}, "--issued-participants"), " followed by the lists of issued participants downloaded with the links."),
    parties.length > 0 && h("p", { class: "muted" }, "The compute parties: ", parties.map((party) => party.name).join(", "), "."),
    h("p", {}, "This page then shows how far each party has got. The results go to the analyst's compute party only."),
    h("p", { class: "actions" }, cancel, confirm));
  const button = h("button", { id: "close-study", type: "button", class: "danger" }, "Close the study…");

  button.addEventListener("click", () => {
    dialog.showModal();
    cancel.focus();  // the safe choice first: Enter or Space right away cancels
  });
  cancel.addEventListener("click", () => dialog.close());
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    cancel.disabled = true;
    try {
      await closeStudy(studyID, credential);
      dialog.close();
      closed();
    } catch (error) {
      dialog.close();
      say(message, explain(error), "error");
      button.focus();
    } finally {
      confirm.disabled = false;
      cancel.disabled = false;
    }
  });

  return h("section", { class: "panel", "aria-labelledby": "close-heading" },
    h("h2", { id: "close-heading" }, "Close the study"),
    h("p", {}, "When enough contributors have submitted, close the study so that the compute parties can compute its results. "
      + "Closing cannot be undone."),
    message,
    h("p", {}, button),
    dialog);
}

// MARK: The computation

const stageText = {
  waiting: "has not started yet",
  fetching: "is fetching its encrypted shares",
  decrypting: "is decrypting its shares",
  agreeing: "is agreeing with the other parties on which submissions count",
  computing: "is computing with the other parties",
  finished: "has finished",
  failed: "stopped with an error; it logged the reason, and can run the computation again",
};

function progressSection(studyID, credential, definition, submitted) {
  const parties = definition.computeParties ?? [];
  const recipient = parties.find((party) => (definition.recipients ?? []).includes(party.id));
  const recipientNumber = parties.indexOf(recipient) + 1;
  // The analyst's party's count of accepted submissions beside the service's count: a service
  // that added or replayed submissions shows up as a difference.
  const comparison = h("p", { id: "accepted-comparison", hidden: true });
  const list = h("ol", { id: "progress", class: "progress-list" });
  const status = h("p", { id: "progress-status", class: "muted", role: "status" });
  const rows = new Map();

  function row(party) {
    if (rows.has(party.party)) return rows.get(party.party);
    const stage = h("span", { class: "stage" });
    const bar = h("progress", { max: "1", value: "0", "aria-label": `Progress of ${party.name}` });
    const counts = h("span", { class: "counts muted" });
    const detail = h("span", { class: "detail" });
    const updated = h("span", { class: "updated muted" });
    const element = h("li", { "data-party": String(party.party), class: "party" },
      h("div", { class: "party-heading" }, h("strong", {}, `${party.party}. ${party.name}`), stage),
      h("div", { class: "party-bar" }, bar, counts),
      h("div", {}, detail, " ", updated));
    list.append(element);
    const parts = { element, stage, bar, counts, detail, updated };
    rows.set(party.party, parts);
    return parts;
  }

  function update(progress) {
    for (const party of progress.parties) {
      const parts = row(party);
      parts.element.dataset.stage = party.stage;
      parts.stage.textContent = party.stage;
      parts.detail.textContent = `${party.name} ${stageText[party.stage] ?? ""}.`;
      // While computing (and once finished), the counts are submissions accepted of those delivered.
      const accepting = party.stage === "computing" || party.stage === "finished";
      const known = !accepting && Number.isInteger(party.done) && Number.isInteger(party.total) && party.total > 0;
      if (accepting && Number.isInteger(party.done) && party.party === recipientNumber) compare(party.done);
      if (party.stage === "finished") {
        parts.bar.max = 1;
        parts.bar.value = 1;
      } else if (known) {
        parts.bar.max = party.total;
        parts.bar.value = party.done;
      } else if (party.stage === "waiting" || party.stage === "failed") {
        parts.bar.max = 1;
        parts.bar.value = 0;
      } else {
        parts.bar.removeAttribute("value");  // indeterminate: the party reports no counts at this stage
      }
      parts.counts.textContent = accepting
        ? (Number.isInteger(party.done) ? `${count(party.done)} of ${count(party.total)} submissions accepted` : "")
        : known
          ? `${count(party.done)} of ${count(party.total)} shares`
          : Number.isInteger(party.done) ? `${count(party.done)} shares` : "";
      parts.updated.textContent = party.updatedAt ? `Last report ${when(party.updatedAt, { seconds: true })}.` : "No report yet.";
    }
  }
  update({ parties: parties.map((party, index) => ({ party: index + 1, name: party.name, stage: "waiting" })) });

  const submissions = (n) => `${count(n)} submission${n === 1 ? "" : "s"}`;

  function compare(accepted) {
    comparison.hidden = false;
    comparison.dataset.accepted = String(accepted);
    comparison.dataset.submitted = String(submitted);
    if (accepted === submitted) {
      comparison.className = "notice success";
      comparison.textContent = `The analyst's party accepted ${submissions(accepted)}, as many as this service counted (${count(submitted)}).`;
    } else {
      comparison.className = "notice warning";
      comparison.textContent = `The analyst's party accepted ${submissions(accepted)}, but this service counted ${count(submitted)}. `
        + "Submissions from participants you never issued, delivered twice, or that a party could not decrypt are left out: "
        + "the analyst's party's log says which and why. A difference you cannot explain means the service did not deliver what it received.";
    }
  }

  async function refresh() {
    try {
      const progress = await getProgress(studyID, credential);
      update(progress);
      say(status, `Checked ${new Date().toLocaleTimeString()}.`);
      return progress.parties.length > 0 && progress.parties.every((party) => party.stage === "finished");
    } catch (error) {
      say(status, explain(error), "warning");
      return false;
    }
  }

  const element = h("section", { class: "panel", "aria-labelledby": "progress-heading" },
    h("h2", { id: "progress-heading" }, "Computation"),
    h("p", {}, "The study is closed. Each compute party now runs"),
    h("pre", { class: "mono" }, `cairn compute --config <party's configuration>.json --study ${studyID} --definition <the study's definition file>`),
    h("p", { class: "muted" }, "Every party gets the same definition file from you. Your own party, which receives the results, also needs ",
      h("code", {}, "--issued-participants"), " followed by the lists of issued participants downloaded with the links."),
    h("p", {}, "and this page shows how far each has got (it looks again every second or two)."),
    list,
    comparison,
    status,
    h("div", { class: "notice results-note" },
      h("p", {}, h("strong", {}, "The results are not shown here, and never reach this service. "),
        "Only the analyst's compute party",
        recipient ? ` (${recipient.name})` : "",
        " learns them: when it has finished, its ",
        h("code", {}, "cairn compute"), " writes ", h("code", {}, "results/report.html"),
        " (with results.json and results.csv) where it ran. Open that report in a browser, or run ",
        h("code", {}, "cairn results"), " there to read them as text.")));
  return { element, refresh };
}
