// The contributor's page: the study's tables as editable grids, checked as one types, then
// encrypted and split in this browser (submission.js) and sent to the study service.
//
// The participation code is the page's fragment. It is read once, sent only as the bearer
// credential of API requests, and never written anywhere else (no logs, no query strings, no
// in-page links that would replace the fragment). After the code and a dot comes the SHA-256 of the
// study definition the analyst published (docs/API.md): the page encrypts only for a definition
// that hashes to it, so a service serving other parties' keys or other rules is refused.

import { getStudy, getDefinitionBytes, getContribution, putContribution } from "./api.js";
import { sealSubmission, envelopeFingerprint, hex } from "./submission.js";
import {
  emptyAnswers, checkAnswers, cellVector, cellRules, allCohorts, cohortSource, rowLabels, columnLabels,
  formatScaled, templateRecords, csvTemplate, readCSVForm, readFormRecords, zeroAndEmptyNotes,
} from "./study-form.js";
import { findWarnings } from "./study-warnings.js";
import { Grid } from "./grid.js";
import { writeXLSX, readXLSX, looksLikeZip, looksLikeOldExcel, SheetError } from "./sheets.js";
import { renderExplanation } from "./contribute-explain.js";
import { download } from "./dom.js";

const $ = (selector) => document.querySelector(selector);
const MAX_LISTED = 200;
const RETRY_DELAYS = [1000, 2000, 4000];

const page = {
  studyID: "",
  code: "",
  definition: null,
  answers: null,
  linkCohorts: {},
  chosenCohorts: {},
  grid: null,
  read: null,
  problems: [],
  warnings: [],
  acknowledged: new Set(),
  latestSubmission: null,
  pending: null, // {envelope, number}: kept so that a retry sends the same bytes
};

const setState = (state) => { document.body.dataset.state = state; };

function showMessage(text, kind = "error", details = []) {
  const box = $("#page-message");
  box.className = `notice ${kind}`;
  box.replaceChildren(document.createTextNode(text));
  if (details.length) {
    const items = document.createElement("ul");
    for (const detail of details.slice(0, MAX_LISTED)) {
      const item = document.createElement("li");
      item.textContent = detail;
      items.append(item);
    }
    if (details.length > MAX_LISTED) {
      const more = document.createElement("li");
      more.textContent = `…and ${details.length - MAX_LISTED} more.`;
      items.append(more);
    }
    box.append(items);
  }
  box.hidden = false;
}
const clearMessage = () => { $("#page-message").hidden = true; $("#page-message").replaceChildren(); };

const formatTime = (iso) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: "long", timeStyle: "medium" });
};

/** A page that cannot go on: the message, nothing to edit. */
function fail(text, state = "error") {
  $("#loading").hidden = true;
  $("#form-area").hidden = true;
  showMessage(text, "error");
  setState(state);
}

/** What the API said, in words for a contributor. */
function explainLoadError(error) {
  switch (error.status) {
    case 401: return "This participation link is not valid: its code is not one this study knows. Check that you opened the whole link you were sent (including the part after “#”), or ask the study's analyst for a new one.";
    case 404: return "There is no such study here. Check that the address is the whole participation link you were sent.";
    case 410: return error.message + " Nothing you sent before is lost.";
    case 429: return `Too many requests from this link in a short time. Wait ${error.retryAfter ? `${error.retryAfter} seconds` : "a minute"} and reload the page.`;
    default: return error.message;
  }
}

// -------------------------------------------------------------------------------------------
// Loading

async function load() {
  document.querySelector("[data-skip]")?.addEventListener("click", (event) => {
    event.preventDefault(); // following the link would replace the fragment, which holds the code
    $("#tables-heading").focus();
  });
  // Another participation link for the same study changes only the fragment: start afresh with its code.
  window.addEventListener("hashchange", () => location.reload());
  const parts = location.pathname.split("/").filter(Boolean);
  page.studyID = decodeURIComponent(parts[1] ?? "");
  const fragment = decodeURIComponent(location.hash.replace(/^#/, "")).trim();
  const pinned = /^(.+)\.([0-9a-f]{64})$/.exec(fragment);
  page.code = pinned ? pinned[1] : fragment;
  const digest = pinned ? pinned[2] : null;

  let study;
  try {
    study = await getStudy(page.studyID);
  } catch (error) {
    fail(explainLoadError(error));
    return;
  }
  const secure = window.isSecureContext && globalThis.crypto?.subtle;
  page.definition = study.definition; // shown only, until checked against the link below
  if (secure && page.code && digest) {
    try {
      page.definition = await pinnedDefinition(page.studyID, digest);
    } catch (error) {
      fail(error instanceof DefinitionMismatch ? error.message : explainLoadError(error));
      return;
    }
  }
  document.title = `${study.definition.title} – Cairn`;
  $("#study-title").textContent = study.definition.title;
  $("#study-description").textContent = study.definition.description ?? "";
  $("#intro").hidden = false;
  renderExplanation($("#what-happens"), page.definition);
  $("#zero-and-empty-notes").replaceChildren(...zeroAndEmptyNotes(page.definition).map((note) => {
    const item = document.createElement("li");
    item.textContent = note;
    return item;
  }));

  if (!window.isSecureContext || !globalThis.crypto?.subtle) {
    // Browsers offer WebCrypto only on https:// pages (and on localhost): without it nothing can
    // be encrypted here, and nothing must be sent unencrypted.
    fail("This page was opened over an insecure connection (http://), where browsers do not allow the encryption it needs. "
      + "Open the link with https:// instead; if it was sent to you with http://, tell the study's analyst.");
    return;
  }
  if (!page.code) {
    fail("This page needs your personal participation link: the code after “#” in the address is missing. Open the whole link you were sent, or ask the study's analyst for one.");
    return;
  }
  if (!digest) {
    fail("This participation link does not carry the fingerprint of the study's description, which links now carry so that "
      + "your numbers are encrypted only for the study the analyst published. Nothing was sent. Ask the study's analyst for a new link.");
    return;
  }
  let contribution;
  try {
    contribution = await getContribution(page.studyID, page.code);
  } catch (error) {
    fail(explainLoadError(error), error.status === 409 ? "closed" : "error");
    return;
  }
  page.linkCohorts = contribution.cohorts ?? {};
  page.latestSubmission = contribution.latestSubmission;
  showPriorSubmission(contribution);

  if (study.status === "closed" || contribution.status === "closed") {
    fail("This study is closed: it no longer accepts contributions. "
      + (contribution.latestSubmission ? "Your latest submission was received and counts." : "Thank you for your interest."), "closed");
    return;
  }
  buildForm();
  $("#loading").hidden = true;
  $("#form-area").hidden = false;
  setState("ready");
}

class DefinitionMismatch extends Error {}

/** The definition the service serves, refused unless its bytes hash to the link's digest. */
async function pinnedDefinition(studyID, digest) {
  const bytes = await getDefinitionBytes(studyID);
  const served = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
  if (served !== digest) {
    throw new DefinitionMismatch("The study's description sent by this service does not match the one the study's analyst "
      + "published (its fingerprint differs): it could list other parties' keys, so this page will not encrypt your numbers for it. "
      + "Nothing was sent. Please tell the study's analyst.");
  }
  return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
}

function showPriorSubmission(contribution) {
  const note = $("#prior-submission");
  if (contribution.latestSubmission == null) { note.hidden = true; return; }
  note.className = "notice success";
  note.textContent = `You already sent your numbers on ${formatTime(contribution.receivedAt)} (submission ${contribution.latestSubmission}). `
    + "You can correct them and send again until the study closes: your latest submission replaces the earlier ones. "
    + "This page does not show what you sent: it was encrypted in your browser, and no one can read it back.";
  note.hidden = false;
}

// -------------------------------------------------------------------------------------------
// The form

function buildForm() {
  const definition = page.definition;
  page.answers = emptyAnswers(definition);
  buildCohorts();
  page.grid = new Grid($("#grid"), definition, page.answers, {
    onEdit: () => scheduleCheck(),
    onMessage: (text) => { $("#grid-status").textContent = text; },
    onUndoChange: (can) => { $("#undo-paste").disabled = !can; },
  });
  $("#undo-paste").addEventListener("click", () => page.grid.undoPaste());
  $("#download-csv").addEventListener("click", downloadCSV);
  $("#download-xlsx").addEventListener("click", downloadXLSX);
  $("#upload").addEventListener("change", (event) => {
    const file = event.target.files?.[0];
    event.target.value = ""; // choosing the same file again should read it again
    if (file) upload(file);
  });
  $("#review").addEventListener("click", openReview);
  $("#cancel-send").addEventListener("click", () => $("#confirm").close());
  $("#send").addEventListener("click", send);
  $("#retry-send").addEventListener("click", () => deliver());
  $("#resubmit").addEventListener("click", resubmit);
  check();
}

function buildCohorts() {
  const cohorts = allCohorts(page.definition);
  const box = $("#cohorts");
  box.replaceChildren();
  if (!cohorts.length) return;
  $("#cohorts-section").hidden = false;
  for (const cohort of cohorts) {
    const field = document.createElement("div");
    field.className = "cohort";
    if (cohortSource(cohort) === "link") {
      const label = document.createElement("p");
      const question = document.createElement("span");
      question.textContent = cohort.question + " ";
      const answer = document.createElement("strong");
      answer.dataset.linkCohort = cohort.id;
      answer.textContent = page.linkCohorts[cohort.id] ?? "(not given by your link)";
      const note = document.createElement("span");
      note.className = "muted";
      note.textContent = " — set by your participation link; the service provider knows this answer.";
      label.append(question, answer, note);
      field.append(label);
    } else {
      const id = `cohort-${cohort.id}`;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = cohort.question;
      const select = document.createElement("select");
      select.id = id;
      select.dataset.cohort = cohort.id;
      const none = new Option("Choose…", "");
      select.append(none, ...cohort.options.map((option) => new Option(option, option)));
      select.addEventListener("change", () => {
        if (select.value) page.chosenCohorts[cohort.id] = select.value;
        else delete page.chosenCohorts[cohort.id];
        check();
      });
      const note = document.createElement("p");
      note.className = "muted";
      note.textContent = "Your answer is encrypted and split like your numbers: no one sees which you chose.";
      field.append(label, document.createTextNode(" "), select, note);
    }
    box.append(field);
  }
}

/** The answers as the study reads them: the grid, the chosen cohorts and the link's cohorts. */
const currentAnswers = () => ({ tables: page.answers.tables, cohorts: { ...page.chosenCohorts, ...page.linkCohorts } });

let checkTimer = null;
function scheduleCheck() {
  // On large studies the check (which also updates the totals) waits for a short pause in typing.
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, page.grid.inputs.size > 200 ? 120 : 0);
}

function check() {
  clearTimeout(checkTimer);
  const definition = page.definition;
  const answers = currentAnswers();
  page.read = checkAnswers(definition, answers);
  page.problems = page.read.problems;
  page.warnings = findWarnings(definition, answers, page.read);
  updateTotals();
  renderProblems();
  renderWarnings();
  markCells();
  updateReview();
}

function updateTotals() {
  const definition = page.definition;
  definition.tables.forEach((table, t) => {
    const values = page.read.values[t];
    const rows = rowLabels(definition, table), columns = columnLabels(definition, table);
    const places = rows.map((_, r) => columns.map((_, c) => cellRules(definition, table, r, c).decimalPlaces ?? 0));
    const most = Math.max(0, ...places.flat());
    const scaled = (r, c) => (values[r][c] === null ? null : values[r][c] * 10n ** BigInt(most - places[r][c]));
    const sum = (cells) => {
      const present = cells.filter((v) => v !== null);
      return present.length ? formatScaled(present.reduce((a, b) => a + b, 0n), most) : "";
    };
    const grid = $(`[data-grid="${CSS.escape(table.id)}"]`);
    rows.forEach((_, r) => {
      grid.querySelector(`[data-total-row="${r}"]`).textContent = sum(columns.map((_, c) => scaled(r, c)));
    });
    columns.forEach((_, c) => {
      grid.querySelector(`[data-total-column="${c}"]`).textContent = sum(rows.map((_, r) => scaled(r, c)));
    });
    grid.querySelector("[data-total-all]").textContent = sum(rows.flatMap((_, r) => columns.map((_, c) => scaled(r, c))));
  });
}

/** A link that selects a cell or a cohort question without touching the page's fragment. */
function targetLink(text, cell, cohort) {
  const link = document.createElement("a");
  link.href = "#";
  link.textContent = text;
  link.addEventListener("click", (event) => {
    event.preventDefault();
    if (cell) page.grid.focusCell(cell.table, cell.row, cell.column);
    else if (cohort) document.querySelector(`[data-cohort="${CSS.escape(cohort)}"]`)?.focus();
  });
  return link;
}

function renderProblems() {
  const list = $("#problems");
  list.replaceChildren();
  for (const problem of page.problems.slice(0, MAX_LISTED)) {
    const item = document.createElement("li");
    item.append(targetLink(problem.text, problem.cells[0], problem.cohort));
    list.append(item);
  }
  if (page.problems.length > MAX_LISTED) {
    const more = document.createElement("li");
    more.textContent = `…and ${page.problems.length - MAX_LISTED} more; fix these first.`;
    list.append(more);
  }
  $("#problems-section").hidden = page.problems.length === 0;
}

let shownWarnings = "";
function renderWarnings() {
  const ids = page.warnings.map((w) => w.id).join("\n");
  $("#warnings-section").hidden = page.warnings.length === 0;
  if (ids === shownWarnings) return; // rebuilding would take the focus away from a checkbox
  shownWarnings = ids;
  const current = new Set(page.warnings.map((w) => w.id));
  for (const id of [...page.acknowledged]) if (!current.has(id)) page.acknowledged.delete(id);
  const list = $("#warnings");
  list.replaceChildren();
  page.warnings.slice(0, MAX_LISTED).forEach((warning, i) => {
    const item = document.createElement("li");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `warning-${i}`;
    box.dataset.acknowledge = warning.id;
    box.checked = page.acknowledged.has(warning.id);
    box.addEventListener("change", () => {
      if (box.checked) page.acknowledged.add(warning.id);
      else page.acknowledged.delete(warning.id);
      updateReview();
    });
    const label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = "This is right";
    item.append(targetLink(warning.text, warning.cells[0], null), document.createElement("br"), box, document.createTextNode(" "), label);
    list.append(item);
  });
}

function markCells() {
  const marks = new Map();
  for (const warning of page.warnings) {
    if (page.acknowledged.has(warning.id)) continue;
    for (const cell of warning.cells) marks.set(`${cell.table}/${cell.row}/${cell.column}`, { level: "warning", message: warning.text });
  }
  for (const problem of page.problems) {
    for (const cell of problem.cells) {
      const key = `${cell.table}/${cell.row}/${cell.column}`;
      const earlier = marks.get(key);
      marks.set(key, { level: "problem", message: earlier?.level === "problem" ? `${earlier.message}\n${problem.text}` : problem.text });
    }
  }
  page.grid.mark(marks);
}

function updateReview() {
  const problems = page.problems.length;
  const open = page.warnings.filter((w) => !page.acknowledged.has(w.id)).length;
  $("#review").disabled = problems > 0 || open > 0;
  const parts = [];
  if (problems) parts.push(`${problems} problem${problems === 1 ? "" : "s"} to fix`);
  if (open) parts.push(`${open} warning${open === 1 ? "" : "s"} to check`);
  const summary = parts.length ? parts.join(" and ") + "." : "No problems found. You can review and send your numbers.";
  $("#checks-summary").textContent = summary;
  $("#review-hint").textContent = parts.length ? "Sending is possible once the list above is dealt with." : "";
  $("#grid-status").dataset.summary = summary;
}

// -------------------------------------------------------------------------------------------
// Files

const hasValues = () => Object.values(page.answers.tables).some((rows) => rows.some((cells) => cells.some((v) => v !== null)));
// The form comes filled with what is already in the grid, so a contributor can continue in a spreadsheet.
const templateAnswers = () => (hasValues() || Object.keys(page.chosenCohorts).length ? { tables: page.answers.tables, cohorts: page.chosenCohorts } : null);

function downloadCSV() {
  download(`${page.definition.id}.csv`, csvTemplate(page.definition, templateAnswers()), "text/csv");
}

function downloadXLSX() {
  const records = templateRecords(page.definition, templateAnswers());
  const tableIDs = new Set(page.definition.tables.map((t) => t.id));
  const widest = Math.max(...records.map((r) => r.length));
  const widths = [44, ...Array(Math.max(0, widest - 1)).fill(16)];
  download(`${page.definition.id}.xlsx`, writeXLSX(records, { sheetName: "Form", bold: (_, fields) => tableIDs.has(fields[0]), widths }));
}

async function upload(file) {
  clearMessage();
  const bytes = new Uint8Array(await file.arrayBuffer());
  const known = { ...page.chosenCohorts, ...page.linkCohorts };
  let result;
  try {
    if (looksLikeOldExcel(bytes)) {
      throw new SheetError("it is an old Excel workbook (.xls); save it as .xlsx (Excel Workbook) or as CSV and upload that");
    } else if (looksLikeZip(bytes)) {
      const sheets = await readXLSX(bytes.buffer);
      const records = sheets.flatMap((sheet) => sheet.rows.map(({ row, fields }) => ({ at: `sheet '${sheet.name}', row ${row}`, fields })));
      result = readFormRecords(page.definition, records, known);
    } else {
      const text = new TextDecoder("utf-8").decode(bytes);
      if (text.includes("\u0000")) throw new SheetError("it is neither a CSV file nor an .xlsx workbook");
      result = readCSVForm(page.definition, text, known);
    }
  } catch (error) {
    if (!(error instanceof SheetError)) throw error;
    showMessage(`${file.name} was not loaded, and nothing in the form changed: ${error.message}.`);
    return;
  }
  if (result.problems.length) {
    showMessage(`${file.name} was not loaded, and nothing in the form changed. It has ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}:`,
      "error", result.problems.map((p) => p.text));
    return;
  }
  for (const table of page.definition.tables) {
    result.answers.tables[table.id].forEach((cells, row) => cells.forEach((value, column) => {
      page.answers.tables[table.id][row][column] = value;
    }));
  }
  for (const cohort of allCohorts(page.definition)) {
    const answer = result.answers.cohorts[cohort.id];
    if (cohortSource(cohort) !== "contributor" || answer === undefined) continue;
    page.chosenCohorts[cohort.id] = answer;
    const select = document.querySelector(`[data-cohort="${CSS.escape(cohort.id)}"]`);
    if (select) select.value = answer;
  }
  page.grid.refresh();
  check();
  showMessage(`Loaded ${file.name}. Check the numbers below before sending.`, "success");
}

// -------------------------------------------------------------------------------------------
// Review and send

function openReview() {
  if ($("#review").disabled) return;
  const definition = page.definition;
  const summary = $("#confirm-summary");
  summary.replaceChildren();
  const add = (name, text, parent = summary) => {
    const node = document.createElement(name);
    node.textContent = text;
    parent.append(node);
    return node;
  };
  const parties = definition.computeParties;
  add("p", `Your numbers will be encrypted in this browser and split into ${parties.length} shares, one for each of: `
    + parties.map((p) => p.name).join(", ") + ". No one of them can read your numbers on its own.");
  const table = document.createElement("table");
  table.className = "summary";
  const head = document.createElement("tr");
  for (const text of ["Table", "Cells filled in", "Total"]) add("th", text, head);
  table.append(head);
  definition.tables.forEach((t, i) => {
    const values = page.read.values[i].flat();
    const filled = values.filter((v) => v !== null).length;
    const row = document.createElement("tr");
    add("td", t.title, row);
    add("td", `${filled} of ${values.length}`, row);
    const total = page.grid.container.querySelector(`[data-grid="${CSS.escape(t.id)}"] [data-total-all]`).textContent;
    add("td", total || "—", row);
    table.append(row);
  });
  summary.append(table);
  const cohorts = allCohorts(definition);
  if (cohorts.length) {
    const list = add("ul", "");
    for (const cohort of cohorts) {
      const answers = currentAnswers().cohorts;
      add("li", `${cohort.question} ${answers[cohort.id]}` + (cohortSource(cohort) === "link" ? " (set by your link)" : ""), list);
    }
  }
  add("p", page.latestSubmission
    ? `This will be submission ${page.latestSubmission + 1}. It replaces your earlier submission: only the latest counts.`
    : "You can correct your numbers and send again until the study closes; only your latest submission counts.");
  $("#confirm").showModal();
  $("#send").focus();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function progress(text, step) {
  $("#sending-status").textContent = text;
  $("#sending-progress").value = step;
}

async function send() {
  $("#confirm").close();
  clearMessage();
  setState("sending");
  page.grid.setEditable(false);
  $("#form-area").hidden = true;
  $("#sending").hidden = false;
  $("#retry-send").hidden = true;
  try {
    progress("Checking your link…", 0);
    // Another tab or an earlier attempt may have sent since the page loaded.
    const contribution = await getContribution(page.studyID, page.code);
    page.latestSubmission = contribution.latestSubmission;
    progress("Encrypting your numbers in this browser and splitting them among the parties…", 1);
    const vector = cellVector(page.definition, currentAnswers());
    const number = (contribution.latestSubmission ?? 0) + 1;
    const keys = page.definition.computeParties.map((party) => party.submissionKey);
    const envelope = await sealSubmission(vector, page.definition.id, page.code, number, keys);
    page.pending = { envelope, number };
  } catch (error) {
    backToEditing(error.message ?? String(error), error);
    return;
  }
  await deliver();
}

/** Sends the pending envelope, retrying the same bytes when the network fails. */
async function deliver() {
  const pending = page.pending;
  if (!pending) return;
  $("#retry-send").hidden = true;
  setState("sending");
  for (let attempt = 0; ; attempt++) {
    progress(attempt === 0 ? "Sending the encrypted shares…" : `The connection failed; trying again (attempt ${attempt + 1})…`, 2);
    try {
      const answer = await putContribution(page.studyID, page.code, pending.envelope);
      await showReceipt(answer, pending);
      return;
    } catch (error) {
      if (error.status === 0 && attempt < RETRY_DELAYS.length) { await sleep(RETRY_DELAYS[attempt]); continue; }
      if (error.status === 0 || error.status === 429 || error.status >= 500) {
        const wait = error.status === 429 ? ` Wait ${error.retryAfter ?? 30} seconds before trying again.` : "";
        progress(`${error.status === 429 ? "Too many attempts in a short time." : error.message}${wait} `
          + "Your encrypted numbers are kept in this page: “Try again” sends exactly the same submission.", 2);
        $("#retry-send").hidden = false;
        setState("error");
        $("#retry-send").focus();
        return;
      }
      if (error.status === 409 && /closed/i.test(error.message)) {
        page.pending = null;
        $("#sending").hidden = true;
        fail("This study closed before your numbers arrived, so they were not received. " + error.message, "closed");
        return;
      }
      if (error.status === 401 || error.status === 410) {
        page.pending = null;
        $("#sending").hidden = true;
        fail(explainLoadError(error));
        return;
      }
      page.pending = null;
      backToEditing(error.message, error);
      return;
    }
  }
}

function backToEditing(text, error) {
  if (!(error && "status" in error)) console.warn("submission failed:", error?.message ?? error); // a local failure worth a trace, never the code
  $("#sending").hidden = true;
  $("#form-area").hidden = false;
  page.grid.setEditable(true);
  showMessage(`Your numbers were not sent: ${text}`);
  setState("ready");
}

async function showReceipt(answer, pending) {
  page.pending = null;
  page.latestSubmission = answer.submission;
  progress("Received.", 3);
  const fingerprint = await envelopeFingerprint(pending.envelope);
  const receipt = $("#receipt");
  receipt.querySelector('[data-field="received-at"]').textContent = formatTime(answer.receivedAt);
  receipt.querySelector('[data-field="received-at"]').dataset.iso = answer.receivedAt;
  receipt.querySelector('[data-field="submission"]').textContent = String(answer.submission);
  receipt.querySelector('[data-field="fingerprint"]').textContent = fingerprint;
  $("#sending").hidden = true;
  $("#prior-submission").hidden = true;
  receipt.hidden = false;
  setState("sent");
  receipt.focus();
}

function resubmit() {
  $("#receipt").hidden = true;
  showPriorSubmission({ latestSubmission: page.latestSubmission, receivedAt: $('[data-field="received-at"]').dataset.iso });
  $("#form-area").hidden = false;
  page.grid.setEditable(true);
  check();
  setState("ready");
  $("#tables-heading").focus();
}

load().catch((error) => {
  fail(`Something went wrong while loading this page: ${error.message}. Reload the page to try again.`);
  throw error;
});
