// "What happens to your numbers": the study's own parties, recipients and statistics drawn as a
// flow a contributor can follow without knowing what secret sharing is. Built from the
// definition so that it names the organizations this study really uses.

import { h as el } from "./dom.js";
import { zeroAndEmptyNotes } from "./study-form.js";

const ROLE_NAMES = { serviceProvider: "runs this service", analyst: "runs the study", independent: "independent" };
const STATISTIC_NAMES = {
  count: "the number of contributors",
  sum: "the total",
  mean: "the average per contributor",
  meanPerEmployee: "the average per employee",
  standardDeviation: "how much contributors differ (standard deviation)",
};


const list = (items, last = "and") => (items.length <= 1 ? items.join("") : items.slice(0, -1).join(", ") + ` ${last} ` + items.at(-1));

/** Fills `section` with the explanation for `definition`. */
export function renderExplanation(section, definition) {
  const parties = definition.computeParties ?? [];
  const recipients = parties.filter((party) => (definition.recipients ?? []).includes(party.id));
  const provider = parties.find((party) => party.role === "serviceProvider");
  const n = parties.length;
  const wanted = [...new Set([...(definition.statistics?.compute ?? []), ...definition.tables.flatMap((t) => t.statistics ?? [])])];
  const statistics = list(wanted.map((s) => STATISTIC_NAMES[s]).filter(Boolean));
  const cohorts = (definition.cohorts ?? []).map((cohort) => `“${cohort.question}”`);
  const minimum = definition.statistics?.minimumCellSize;
  const recipientNames = list(recipients.map((party) => party.name)) || "the study's analyst";

  section.replaceChildren(
    el("h2", { id: "what-happens-heading", text: "What happens to your numbers" }),
    el("ol", { class: "flow", "aria-label": "From your browser to the results, step by step" },
      el("li", { class: "flow-step" },
        el("span", { class: "flow-icon", "aria-hidden": "true", text: "1" }),
        el("strong", { text: "Your numbers" }),
        el("span", { text: "What you enter stays in this browser until you send it." })),
      el("li", { class: "flow-step" },
        el("span", { class: "flow-icon", "aria-hidden": "true", text: "2" }),
        el("strong", { text: `Split into ${n} shares, here in your browser` }),
        el("span", { text: `Each share on its own looks like random numbers. Only all ${n} added together give your numbers back.` })),
      el("li", { class: "flow-step flow-parties" },
        el("span", { class: "flow-icon", "aria-hidden": "true", text: "3" }),
        el("strong", { text: "Each share is encrypted for one organization" }),
        el("ul", { class: "party-list" }, ...parties.map((party, i) =>
          el("li", { class: "party", "data-party": party.id },
            el("span", { class: "share-chip", "aria-hidden": "true", text: `share ${i + 1}` }),
            el("span", {}, el("strong", { class: "party-name", text: party.name }), el("span", { class: "muted", text: ` (${ROLE_NAMES[party.role] ?? party.role})` })))))),
      el("li", { class: "flow-step" },
        el("span", { class: "flow-icon", "aria-hidden": "true", text: "4" }),
        el("strong", { text: "Only results over everyone are revealed" }),
        el("span", { text: `When the study closes, the ${n} organizations compute together, working only on shares, `
          + `for each cell: ${statistics || "the results"}, over all contributors`
          + `${cohorts.length ? ` and for each answer to ${list(cohorts)}` : ""}. `
          + `Only ${recipientNames} receive${recipients.length === 1 ? "s" : ""} these results.` }))),
    el("div", { class: "who-sees" },
      el("div", {},
        el("h3", { text: "Who can see what" }),
        el("ul", {},
          ...(provider ? [el("li", { text: `${provider.name} runs this service. It stores only encrypted shares and can open only its own, which on its own reveals nothing.` })] : []),
          el("li", { text: `None of ${list(parties.map((p) => p.name), "or")} sees your numbers: each holds one share, which on its own looks random.` }),
          el("li", { text: `${recipientNames} see${recipients.length === 1 ? "s" : ""} only the results per cell over all contributors${cohorts.length ? " and per group" : ""}, never one contributor's numbers.` }),
          // The same rules, in the same words, as next to the tables and in the template.
          ...zeroAndEmptyNotes(definition).slice(1).map((note) => el("li", { text: note })))),
      el("div", {},
        el("h3", { text: "What keeps it secret" }),
        el("ul", {},
          el("li", { text: n === 2
            ? "Your numbers stay secret as long as the two organizations do not pool their shares."
            : `Your numbers stay secret as long as no two of the ${n} organizations pool the shares they hold.` }),
          el("li", { text: "The encryption happens in this browser before anything is sent; the service never receives your numbers in the clear." }),
          el("li", { text: "You can send again until the study closes: your latest submission replaces the earlier ones." })))),
    renderSafeguards(definition, { parties, provider, recipientNames, minimum }),
  );
  section.hidden = false;
}

/**
 * "What stops cheating": who could try to get around the promises above, and what stops them, in
 * the words of docs/ARCHITECTURE.md's "Who must be trusted for what".
 */
function renderSafeguards(definition, { parties, provider, recipientNames, minimum }) {
  const n = parties.length;
  const providerName = provider?.name ?? "The service provider";
  const items = [
    el("li", { text: "Before encrypting, this page checked that the study it shows is exactly the one the analyst published: "
      + "your link carries the study's fingerprint, and a service that changed the study (for example, to make you encrypt for someone else) is refused." }),
    el("li", { text: `Only links the analyst issued count, each once. ${providerName} never sees a participation code, `
      + "so it cannot add made-up contributors or count one submission twice without the organizations noticing." }),
    n >= 3
      ? el("li", { text: `When the study closes, the ${n} organizations check every submission against the study's rules without seeing it `
        + "(numbers within their allowed ranges, empty cells really empty, one answer per question). "
        + `A submission that breaks a rule is left out of every result, so nobody can pretend to be many contributors to make a small cell${minimum ? ` look like ${minimum}` : ""} and expose yours. `
        + `${recipientNames} learn${parties.filter((p) => (definition.recipients ?? []).includes(p.id)).length === 1 ? "s" : ""} only how many were left out, not which.` })
      : el("li", { text: "With two organizations, submissions cannot be checked against the study's rules without being seen, so a dishonest contributor could distort the totals (never read yours)." }),
    el("li", { text: `${providerName} can delay or lose a submission, but not read or change it: keep your receipt, and the analyst compares the number of submissions the organizations accepted with the number the service shows.` }),
    el("li", { text: "This page's code comes from the address in your browser's address bar. Its files' fingerprints are published (cairn web digests), so anyone can check that the code sent to you is the published code." }),
  ];
  return el("div", { class: "who-sees safeguards" },
    el("div", {},
      el("h3", { text: "What stops cheating" }),
      el("ul", {}, ...items)));
}
