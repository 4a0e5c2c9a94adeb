// `/analyst`: create a study from its definition with the operator token, then show the analyst
// credential once; and open an existing study's dashboard.

import { createStudy } from "./api.js";
import { hex } from "./submission.js";
import { h, setState, show, say, copyButton, download, explain, storeCredential } from "./analyst-ui.js";

const examples = [
  { file: "quickstart.json", label: "Quick start (salaries by team and gender)" },
  { file: "pay-equity.json", label: "Pay equity (Boston Women's Workforce Council)" },
];

export function showCreatePage() {
  setState("create");
  document.title = "Create a study – Cairn";

  const token = h("input", {
    id: "operator-token", type: "password", autocomplete: "off", spellcheck: "false", required: true,
    "aria-describedby": "operator-token-help",
  });
  const file = h("input", { id: "definition-file", type: "file", accept: ".json,application/json" });
  const text = h("textarea", {
    id: "definition-text", rows: 18, spellcheck: "false", autocomplete: "off", class: "mono",
    "aria-describedby": "definition-help",
  });
  const message = h("div", { id: "create-message", role: "alert" });
  const problems = h("ul", { id: "create-problems", class: "problems", hidden: true });
  const button = h("button", { id: "create-study", type: "submit", class: "primary" }, "Create the study");
  const fileStatus = h("span", { class: "muted", role: "status" });

  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      text.value = await chosen.text();
      fileStatus.textContent = `Read ${chosen.name}; you can still edit it below.`;
    } catch {
      fileStatus.textContent = `${chosen.name} could not be read.`;
    }
  });

  const exampleButtons = examples.map(({ file: name, label }) => h("button", {
    type: "button", class: "secondary",
    on: {
      click: async () => {
        try {
          const response = await fetch(`/assets/examples/${name}`, { cache: "no-store" });
          if (!response.ok) throw new Error(String(response.status));
          text.value = await response.text();
          fileStatus.textContent = `The example ${name} is in the box below.`;
          text.focus();
        } catch {
          fileStatus.textContent = `The example ${name} could not be loaded.`;
        }
      },
    },
  }, label));

  const form = h("form", { class: "panel", novalidate: true },
    h("h2", {}, "Create a study"),
    h("p", { class: "field" },
      h("label", { for: "operator-token" }, "Operator token"), h("br"), token),
    h("p", { id: "operator-token-help", class: "muted help" },
      "The service provider who runs this study service hands you this token (",
      h("code", {}, "cairn serve"), " writes it to the file ", h("code", {}, "operator-token"),
      " of its data folder). It lets you create studies here; this page sends it once and does not keep it."),
    h("fieldset", {},
      h("legend", {}, "Study definition"),
      h("p", { id: "definition-help", class: "muted help" },
        "A JSON file describing the study: its tables, rules, cohorts, statistics and compute parties "
        + "(docs/STUDY-DEFINITION.md). Choose a file, or start from an example and edit it. The examples carry "
        + "demonstration keys: for a real study, put your compute parties' submission keys in ",
        h("code", {}, "computeParties"), " (", h("code", {}, "cairn keys study"), " does it)."),
      h("p", { class: "field" }, h("label", { for: "definition-file" }, "Definition file"), h("br"), file, " ", fileStatus),
      h("p", { class: "examples" }, h("span", { class: "muted" }, "Or start from an example: "), exampleButtons),
      h("p", { class: "field" }, h("label", { for: "definition-text" }, "Definition (JSON)"), h("br"), text)),
    message, problems,
    h("p", {}, button));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say(message, "");
    problems.replaceChildren();
    problems.hidden = true;
    if (!token.value.trim()) {
      say(message, "Enter the operator token that the service provider gave you.", "error");
      token.focus();
      return;
    }
    if (!text.value.trim()) {
      say(message, "Choose a definition file, or start from an example.", "error");
      text.focus();
      return;
    }
    button.disabled = true;
    button.textContent = "Creating…";
    try {
      const body = new TextEncoder().encode(text.value);
      const created = await createStudy(token.value.trim(), body);
      token.value = "";
      storeCredential(created.study, created.analystCredential);
      // The digest of the bytes sent: the dashboard makes links only while the service serves these.
      const digest = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", body)));
      try { sessionStorage.setItem(`cairn-definition:${created.study}`, digest); } catch { /* private mode: not remembered */ }
      showCreated(created);
    } catch (error) {
      say(message, explain(error, "operator"), "error");
      if (error.problems?.length) {
        problems.replaceChildren(...error.problems.map((problem) => h("li", {}, problem)));
        problems.hidden = false;
      }
    } finally {
      button.disabled = false;
      button.textContent = "Create the study";
    }
  });

  show(
    h("h1", {}, "Studies"),
    h("p", {}, "Create a study, or open the dashboard of one you created: make participation links, "
      + "follow participation, close the study and follow the computation."),
    form,
    openDashboardForm());
}

/** The analyst credential, once, with a way to keep it. */
function showCreated({ study, analystCredential }) {
  const dashboard = `/analyst/${encodeURIComponent(study)}`;
  show(
    h("h1", {}, `Study “${study}” is created`),
    h("section", { class: "panel credential-panel", "aria-labelledby": "credential-heading" },
      h("h2", { id: "credential-heading" }, "Your analyst credential"),
      h("p", { class: "notice warning" },
        h("strong", {}, "Keep it now: it is not shown again. "),
        "Nobody can recover it, not even the service provider. Without it you cannot make participation "
        + "links, follow participation or close the study. Treat it like a password."),
      h("p", { class: "credential" }, h("code", { id: "analyst-credential" }, analystCredential)),
      h("p", { class: "actions" },
        copyButton(() => analystCredential, "Copy the credential"),
        h("button", {
          type: "button", id: "download-credential",
          on: { click: () => download(`${study}.analyst-credential`, `${analystCredential}\n`) },
        }, "Download as a file")),
      h("p", { class: "muted" },
        "The file is named ", h("code", {}, `${study}.analyst-credential`), ", which ",
        h("code", {}, "cairn links"), " and ", h("code", {}, "cairn study close"),
        " read by default. This browser tab also remembers the credential until you close the tab.")),
    h("p", {}, h("a", { id: "open-dashboard", class: "button primary", href: dashboard }, "Open the study's dashboard")));
}

function openDashboardForm() {
  const input = h("input", { id: "open-study-id", type: "text", autocomplete: "off", spellcheck: "false", required: true });
  const message = h("div", { role: "alert" });
  return h("form", {
    class: "panel", id: "open-study",
    on: {
      submit: (event) => {
        event.preventDefault();
        const id = input.value.trim();
        if (!id) {
          say(message, "Enter the study's ID, as in its definition (for example quickstart).", "error");
          input.focus();
          return;
        }
        location.assign(`/analyst/${encodeURIComponent(id)}`);
      },
    },
    novalidate: true,
  },
  h("h2", {}, "Open a study's dashboard"),
  h("p", {}, h("label", { for: "open-study-id" }, "Study ID"), h("br"), input, " ",
    h("button", { type: "submit" }, "Open")),
  message,
  h("p", { class: "muted" }, "You sign in there with the study's analyst credential."));
}
