// The study service's HTTP API (docs/API.md), as the pages use it. Every failure becomes an
// `ApiError` whose `message` is plain language fit to show as it is.

import { serviceBase } from "./service-base.js";

export class ApiError extends Error {
  constructor(message, { status = 0, problems = [], retryAfter = null } = {}) {
    super(message);
    this.status = status;          // 0: the service could not be reached
    this.problems = problems;      // a refused study definition's problems
    this.retryAfter = retryAfter;  // seconds, after a 429
  }
}

async function request(method, path, { secret, body, contentType = "application/json", accept = "application/json", headers = {} } = {}) {
  const init = { method, headers: { Accept: accept, ...headers }, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" };
  if (secret) init.headers.Authorization = `Bearer ${secret}`;
  if (body !== undefined) { init.body = body; init.headers["Content-Type"] = contentType; }
  let base;
  try { base = await serviceBase(); } catch (error) { throw new ApiError(error.message); }
  let response;
  try {
    response = await fetch(base + path, init);
  } catch {
    throw new ApiError("The study service cannot be reached. Check your network connection and try again; nothing was lost.");
  }
  if (response.ok) return response;
  let detail = {};
  try { detail = await response.json(); } catch { /* not JSON: keep the status line */ }
  const retryAfter = Number(response.headers.get("Retry-After")) || null;
  const message = detail.error
    ? detail.error.charAt(0).toUpperCase() + detail.error.slice(1) + "."
    : `The study service answered ${response.status} ${response.statusText}.`;
  throw new ApiError(message, { status: response.status, problems: detail.problems ?? [], retryAfter });
}

const studyPath = (study) => `/api/v1/studies/${encodeURIComponent(study)}`;
const json = async (response) => response.json();

/** The public study: `{definition, status, createdAt, closedAt}`. */
export const getStudy = (study) => request("GET", studyPath(study)).then(json);

/** The study definition's exact bytes, as the analyst created the study with them (an ArrayBuffer). */
export const getDefinitionBytes = (study) => request("GET", `${studyPath(study)}/definition`).then((response) => response.arrayBuffer());

/** A contributor's status: `{study, status, cohorts, latestSubmission, receivedAt}`. */
export const getContribution = (study, code) => request("GET", `${studyPath(study)}/contribution`, { secret: code }).then(json);

/** Sends an envelope (canonical JSON text): `{submission, receivedAt, retry}`. */
export const putContribution = (study, code, envelopeText) =>
  request("PUT", `${studyPath(study)}/contribution`, { secret: code, body: envelopeText }).then(json);

/** Creates a study (operator): `{study, status, analystCredential}`. */
export const createStudy = (operatorToken, definitionText) =>
  request("POST", "/api/v1/studies", { secret: operatorToken, body: definitionText }).then(json);

/** Links participants the analyst's page issued (analyst), by their tags only:
 *  `options` is `{participants: [hex tag, …], cohorts?, expiresAt?}`; answers `{linked}`. */
export const linkParticipants = (study, credential, options) =>
  request("POST", `${studyPath(study)}/links`, { secret: credential, body: JSON.stringify(options) }).then(json);

/** Participation counts (analyst). */
export const getParticipation = (study, credential, bucket = "hour") =>
  request("GET", `${studyPath(study)}/participation?bucket=${bucket}`, { secret: credential }).then(json);

/** Closes the study (analyst): `{status, submitted}`. */
export const closeStudy = (study, credential) => request("POST", `${studyPath(study)}/close`, { secret: credential }).then(json);

/** Each compute party's stage once the study is closed (analyst):
 *  `{parties: [{party, name, stage, done, total, updatedAt}], status}`. */
export const getProgress = (study, credential) => request("GET", `${studyPath(study)}/progress`, { secret: credential }).then(json);
