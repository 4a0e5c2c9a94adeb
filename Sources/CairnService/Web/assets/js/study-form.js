// A study definition as the contributor's page needs it: labels, per-cell rules, reading and
// checking a contributor's numbers, the cell vector and the CSV form. A port of
// Sources/CairnStudy/Definition (TypedNumber, FilledTables, CellLayout, StudyDefinition+CSV):
// the messages are worded exactly as the Swift ones, so that the page, `cairn submit` and the
// documentation say the same thing, and the vector must equal Swift's `cellVector` bit for bit.
//
// Answers have the shape of Swift's FilledTables: `{tables: {id: [[text|null]]}, cohorts: {id: option}}`.

import { readCSVRecords, writeCSV, columnName } from "./sheets.js";

export const LARGEST_MAGNITUDE = 1000000000000n;
const COMBINATION_SEPARATOR = " / ";

const KIND_DESCRIPTIONS = {
  count: "a number of people",
  money: "an amount in whole US dollars",
  months: "a number of months",
  number: "a number",
};
export const kindDescription = (kind) => KIND_DESCRIPTIONS[kind] ?? "a number";

// Swift's `trimmingCharacters(in: .whitespacesAndNewlines)`; JS's trim covers the same characters that matter here.
const trimmed = (text) => String(text ?? "").trim();
const same = (a, b) => trimmed(a).toLowerCase() === trimmed(b).toLowerCase();

/** Swift's `StudyDefinition.format(_: Double)`: whole values without ".0". */
export function formatNumber(value) {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  if (Number.isInteger(value)) return value.toExponential().replace(/e\+?(-?)(\d+)$/, (m, sign, exp) => `e${sign || "+"}${exp.padStart(2, "0")}`);
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// Labels

/** The labels `labels` stands for (a list, a name of a label list, or `{combine: [[…], …]}`), or null. */
export function resolveLabels(definition, labels) {
  if (Array.isArray(labels)) return labels;
  if (typeof labels === "string") {
    const named = definition.labelLists?.[labels];
    if (named === undefined || typeof named === "string") return null; // no chains of names
    return resolveLabels(definition, named);
  }
  if (labels && Array.isArray(labels.combine)) {
    return labels.combine.reduce(
      (prefixes, part) => prefixes.flatMap((prefix) => part.map((label) => (prefix === "" ? label : prefix + COMBINATION_SEPARATOR + label))),
      [""]);
  }
  return null;
}

/** The parts a combination is made of (for grouped column headers), or null for a plain list. */
export function labelParts(definition, labels) {
  if (typeof labels === "string") {
    const named = definition.labelLists?.[labels];
    return named === undefined || typeof named === "string" ? null : labelParts(definition, named);
  }
  return labels && Array.isArray(labels.combine) ? labels.combine : null;
}

export const rowLabels = (definition, table) => resolveLabels(definition, table.rows) ?? [];
export const columnLabels = (definition, table) => resolveLabels(definition, table.columns) ?? [];
export const allCohorts = (definition) => definition.cohorts ?? [];
export const allRules = (definition) => definition.rules ?? [];
export const cohortSource = (cohort) => cohort.assignedBy ?? "contributor";

/** Swift's `CellRules.overridden(by:)`: the set fields of `other` replace these. */
function overridden(rules, other) {
  if (!other) return rules;
  const pick = (field) => (other[field] ?? rules[field]);
  return { required: pick("required"), minimum: pick("minimum"), maximum: pick("maximum"), decimalPlaces: pick("decimalPlaces") };
}

const kindDefaults = (table) => ({ required: false, minimum: table.kind === "number" ? null : 0, maximum: null, decimalPlaces: 0 });

/** The rules for one cell: the kind's defaults, the table's `validation`, then the matching overrides in order. */
export function cellRules(definition, table, row, column) {
  let rules = overridden(kindDefaults(table), table.validation);
  const rowLabel = rowLabels(definition, table)[row];
  const columnLabel = columnLabels(definition, table)[column];
  for (const override of table.overrides ?? []) {
    if ((override.row == null || override.row === rowLabel) && (override.column == null || override.column === columnLabel)) {
      rules = overridden(rules, override.validation);
    }
  }
  return rules;
}

/** `Total annual compensation, row 'Professionals', column 'Asian / Female'`. */
export function cellPlace(definition, tableIndex, row, column) {
  const table = definition.tables[tableIndex];
  return `${table.title}, row '${rowLabels(definition, table)[row]}', column '${columnLabels(definition, table)[column]}'`;
}

/** Answers with every cell empty and no cohort chosen (Swift's `emptySubmission()`). */
export function emptyAnswers(definition) {
  const tables = {};
  for (const table of definition.tables) {
    const columns = columnLabels(definition, table).length;
    tables[table.id] = rowLabels(definition, table).map(() => Array(columns).fill(null));
  }
  return { tables, cohorts: {} };
}

const entryAt = (answers, tableID, row, column) => answers.tables?.[tableID]?.[row]?.[column] ?? null;

// ---------------------------------------------------------------------------------------------
// Numbers as typed (Swift's TypedNumber)

/** `{negative, integerDigits, fractionDigits}` (digit strings without leading/trailing zeros), or null. */
export function parseTypedNumber(text) {
  let characters = trimmed(text);
  let negative = false;
  if (characters[0] === "-" || characters[0] === "+" || characters[0] === "\u2212") {
    negative = characters[0] !== "+";
    characters = characters.slice(1);
  }
  if (characters[0] === "$") characters = characters.slice(1);
  if (!negative && characters[0] === "-") { // $-5
    negative = true;
    characters = characters.slice(1);
  }
  const parts = characters.split(".");
  if (parts.length < 1 || parts.length > 2) return null;
  let integer = parts[0];
  const fraction = parts.length === 2 ? parts[1] : "";
  if (integer.includes(",")) {
    const groups = integer.split(",");
    if (groups[0].length < 1 || groups[0].length > 3 || !groups.slice(1).every((group) => group.length === 3)) return null;
    integer = groups.join("");
  }
  if ((integer === "" && fraction === "") || !/^[0-9]*$/.test(integer) || !/^[0-9]*$/.test(fraction)) return null;
  const integerDigits = integer.replace(/^0+/, "");
  const fractionDigits = fraction.replace(/0+$/, "");
  if (integerDigits === "" && fractionDigits === "") return { negative: false, integerDigits: "", fractionDigits: "" };
  return { negative, integerDigits, fractionDigits };
}

/** The number times 10^places as a BigInt, if that is a whole number of at most 18 digits; else null. */
export function scaleTypedNumber(number, places) {
  if (number.fractionDigits.length > places) return null;
  const digits = number.integerDigits + number.fractionDigits + "0".repeat(places - number.fractionDigits.length);
  if (digits.replace(/^0+/, "").length > 18) return null;
  const magnitude = BigInt(digits === "" ? "0" : digits);
  return number.negative ? -magnitude : magnitude;
}

/**
 * One cell's scaled value (BigInt, null if empty or unreadable) and what is wrong with it
 * (Swift's `readCell`).
 */
export function readCell(entry, rules, kind) {
  const text = trimmed(entry);
  if (text === "") return { value: null, problem: rules.required === true ? "is empty, but this cell must be filled in" : null };
  const number = parseTypedNumber(text);
  if (!number) return { value: null, problem: `'${text}' is not a number` };
  const places = rules.decimalPlaces ?? 0;
  if (number.fractionDigits.length > places) {
    return {
      value: null,
      problem: places === 0
        ? `${text} is not a whole number` + (kind === "money" ? " (amounts are in whole dollars, without cents)" : "")
        : `${text} has more than ${places} digit${places === 1 ? "" : "s"} after the decimal point`,
    };
  }
  const scale = 10 ** places;
  const value = scaleTypedNumber(number, places);
  if (value === null || (value < 0n ? -value : value) > LARGEST_MAGNITUDE) {
    return { value: null, problem: `${text} is too large: the largest allowed is ${formatNumber(Number(LARGEST_MAGNITUDE) / scale)} in magnitude` };
  }
  const real = Number(value) / scale;
  if (rules.minimum != null && real < rules.minimum) {
    return {
      value: null,
      problem: rules.minimum === 0 && kind !== "number"
        ? `${text} is negative, but ${kindDescription(kind)} cannot be`
        : `${text} is less than the minimum, ${formatNumber(rules.minimum)}`,
    };
  }
  if (rules.maximum != null && real > rules.maximum) {
    return { value: null, problem: `${text} is more than the maximum, ${formatNumber(rules.maximum)}` };
  }
  return { value, problem: null };
}

/** A scaled value written back as a decimal number (for totals). */
export function formatScaled(value, places) {
  const negative = value < 0n;
  let digits = (negative ? -value : value).toString();
  if (places > 0) {
    digits = digits.padStart(places + 1, "0");
    digits = digits.slice(0, -places) + "." + digits.slice(-places);
  }
  const [whole, fraction] = digits.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (negative ? "-" : "") + grouped + (fraction ? "." + fraction : "");
}

// ---------------------------------------------------------------------------------------------
// Checking a contributor's answers (Swift's readSubmission)

/**
 * Reads and checks the answers. Returns `{values, cohortChoices, problems}`: values are BigInt
 * (scaled) or null per table, row and column; each problem is `{place, message, text, cells,
 * cohort}` where `cells` lists the `{table, row, column}` it is about (to mark them in the
 * grid) and `cohort` the cohort id of a cohort problem.
 */
export function checkAnswers(definition, answers, { locationOf = () => null, skippedRows = new Set() } = {}) {
  // `locationOf(t, r, c)`: where a cell was read from ("line 7, column D"), or null.
  // `skippedRows`: "table/row" keys of rows already refused as a whole: not checked, not compared.
  const place = (t, r, c) => {
    const location = locationOf(t, r, c);
    return location ? `${location} (${cellPlace(definition, t, r, c)})` : cellPlace(definition, t, r, c);
  };
  // A rule's cells, which share a row and column: "line 4, column C and line 8, column C
  // (Number of employees and Total annual salaries, row 'Sales', column 'Male')".
  const rulePlace = (involved, row, column) => {
    const first = definition.tables[involved[0]];
    const cells = involved.map((t) => definition.tables[t].title).join(" and ")
      + `, row '${rowLabels(definition, first)[row]}', column '${columnLabels(definition, first)[column]}'`;
    const lines = involved.map((t) => locationOf(t, row, column)).filter((location) => location);
    return lines.length ? `${lines.join(" and ")} (${cells})` : cells;
  };
  const problems = [];
  const report = (where, message, extra = {}) =>
    problems.push({ place: where, message, text: where ? `${where}: ${message}` : message, cells: [], cohort: null, ...extra });

  const tables = definition.tables;
  for (const id of Object.keys(answers.tables ?? {}).sort()) {
    if (!tables.some((table) => table.id === id)) report(`table "${id}"`, "is not a table of this study");
  }
  const values = [];
  tables.forEach((table, tableIndex) => {
    const rows = rowLabels(definition, table), columns = columnLabels(definition, table);
    const entries = answers.tables?.[table.id] ?? [];
    if (entries.length > rows.length) report(table.title, `has ${entries.length} rows, but the study's table has ${rows.length}`);
    entries.slice(0, rows.length).forEach((cells, row) => {
      if (cells.length > columns.length) report(`${table.title}, row '${rows[row]}'`, `has ${cells.length} columns, but the study's table has ${columns.length}`);
    });
    const tableValues = [];
    for (let row = 0; row < rows.length; row++) {
      const rowValues = [];
      for (let column = 0; column < columns.length; column++) {
        if (skippedRows.has(`${tableIndex}/${row}`)) { rowValues.push(null); continue; }
        const entry = entries[row]?.[column] ?? null;
        const { value, problem } = readCell(entry, cellRules(definition, table, row, column), table.kind);
        if (problem) report(place(tableIndex, row, column), problem, { cells: [{ table: table.id, row, column }] });
        rowValues.push(value);
      }
      tableValues.push(rowValues);
    }
    values.push(tableValues);
  });

  // Cross-table rules, on the cells that could be read.
  const index = new Map(tables.map((table, i) => [table.id, i]));
  for (const rule of allRules(definition)) {
    const listed = rule.tables.map((id) => index.get(id)).filter((i) => i !== undefined);
    if (listed.length === 0) continue;
    const first = listed[0];
    const shape = values[first];
    for (let row = 0; row < shape.length; row++) {
      if (listed.some((i) => skippedRows.has(`${i}/${row}`))) continue;
      for (let column = 0; column < shape[row].length; column++) {
        const cells = listed.map((i) => ({
          index: i, table: tables[i], value: values[i][row]?.[column] ?? null, entry: entryAt(answers, tables[i].id, row, column),
        }));
        const cellRef = (cell) => ({ table: cell.table.id, row, column });
        if (rule.rule === "zeroTogether") {
          const zero = cells.filter((cell) => (cell.value ?? 0n) === 0n && !(cell.value === null && trimmed(cell.entry) !== ""));
          const nonzero = cells.filter((cell) => (cell.value ?? 0n) !== 0n);
          if (zero.length && nonzero.length) {
            const z = zero[0], n = nonzero[0];
            report(rulePlace([z.index, n.index].sort((a, b) => a - b), row, column), `${z.table.title} is ${z.value === null ? "empty" : "0"} but ${n.table.title} is ${trimmed(n.entry)}; `
              + "these must be zero (or empty) together", { cells: [cellRef(z), cellRef(n)] });
          }
        } else if (rule.rule === "notGreaterThan") {
          if (cells.length !== 2 || cells[0].value === null || cells[1].value === null) continue;
          if (cells[0].value > cells[1].value) {
            report(rulePlace([cells[0].index, cells[1].index], row, column), `${cells[0].table.title} (${trimmed(cells[0].entry)}) is greater than ${cells[1].table.title} (${trimmed(cells[1].entry)})`,
              { cells: [cellRef(cells[0]), cellRef(cells[1])] });
          }
        }
      }
    }
  }

  // Cohorts.
  const cohorts = allCohorts(definition);
  for (const id of Object.keys(answers.cohorts ?? {}).sort()) {
    if (!cohorts.some((cohort) => cohort.id === id)) report(`cohort "${id}"`, "is not a cohort of this study");
  }
  const cohortChoices = cohorts.map((cohort) => {
    const answer = answers.cohorts?.[cohort.id];
    if (answer == null) {
      report(cohort.question, "no option was chosen", { cohort: cohort.id });
      return null;
    }
    let choice = cohort.options.indexOf(answer);
    if (choice < 0) choice = cohort.options.findIndex((option) => option.toLowerCase() === trimmed(answer).toLowerCase());
    if (choice < 0) {
      report(cohort.question, `'${answer}' is not one of the options: ` + cohort.options.map((o) => `'${o}'`).join(", "), { cohort: cohort.id });
      return null;
    }
    return choice;
  });
  return { values, cohortChoices, problems };
}

// ---------------------------------------------------------------------------------------------
// The cell vector (Swift's CellLayout and cellVector)

/** `{tables: [{table, firstCell, rows, columns}], cohorts: [{cohort, firstPosition, options}], cellCount, vectorLength}`. */
export function cellLayout(definition) {
  let next = 0;
  const tables = definition.tables.map((table) => {
    const block = { table: table.id, firstCell: next, rows: rowLabels(definition, table).length, columns: columnLabels(definition, table).length };
    next += block.rows * block.columns;
    return block;
  });
  let position = 2 * next;
  const cohorts = allCohorts(definition).map((cohort) => {
    const block = { cohort: cohort.id, firstPosition: position, options: cohort.options.length };
    position += cohort.options.length;
    return block;
  });
  return { tables, cohorts, cellCount: next, vectorLength: position };
}

/**
 * The ring elements a contributor secret-shares (BigInt in [0, 2^64)): values ×10^decimalPlaces
 * in two's complement, then presence bits, then one indicator per option of each cohort.
 * `answers.cohorts` must include the link-assigned cohorts. Throws an Error with `problems`
 * when the answers do not pass `checkAnswers`.
 */
export function cellVector(definition, answers) {
  const read = checkAnswers(definition, answers);
  if (read.problems.length) {
    const error = new Error("the submission has problems:\n" + read.problems.map((p) => "  - " + p.text).join("\n"));
    error.problems = read.problems;
    throw error;
  }
  const flat = read.values.flatMap((table) => table.flat());
  const vector = flat.map((value) => BigInt.asUintN(64, value ?? 0n));
  for (const value of flat) vector.push(value === null ? 0n : 1n);
  allCohorts(definition).forEach((cohort, i) => {
    cohort.options.forEach((_, option) => vector.push(option === read.cohortChoices[i] ? 1n : 0n));
  });
  return vector;
}

// ---------------------------------------------------------------------------------------------
// The CSV form (Swift's csvTemplate and readCSV)

/** "whole numbers, 0 or more, must be filled in". */
export function ruleSummary(table) {
  const rules = overridden(kindDefaults(table), table.validation);
  const parts = [];
  const places = rules.decimalPlaces ?? 0;
  parts.push(places === 0 ? "whole numbers" : `up to ${places} digit${places === 1 ? "" : "s"} after the decimal point`);
  if (rules.minimum != null && rules.maximum != null) parts.push(`from ${formatNumber(rules.minimum)} to ${formatNumber(rules.maximum)}`);
  else if (rules.minimum != null) parts.push(`${formatNumber(rules.minimum)} or more`);
  else if (rules.maximum != null) parts.push(`at most ${formatNumber(rules.maximum)}`);
  if (rules.required === true) parts.push("must be filled in");
  if ((table.overrides ?? []).length) parts.push("some cells have their own limits");
  return parts.join(", ");
}

const nonEmptyLines = (text) => String(text ?? "").split(/\r\n|\r|\n/).map(trimmed).filter((line) => line !== "");

/**
 * How 0 and an empty cell differ, and how each counts towards withholding small results (Swift's
 * `zeroAndEmptyNotes`): in the template's `#` lines and on the page, in the same words.
 */
export function zeroAndEmptyNotes(definition) {
  const notes = ["0 and empty differ: write 0 where the answer is zero, and leave a cell empty where it does not apply to you. An empty cell is not counted at all."];
  const minimum = definition.statistics?.minimumCellSize ?? null;
  const dominance = definition.statistics?.dominance ?? null;
  if (minimum !== null) {
    const headcount = definition.tables.some((table) => table.headcountTable);
    notes.push(`A result is withheld when it has fewer than ${minimum} contributors`
      + (headcount ? ` (or covers fewer than ${minimum} employees).` : "."));
    const kinds = new Set(definition.tables.map((table) => table.kind));
    if (kinds.has("count")) notes.push("In tables of numbers of people, a 0 counts as contributing.");
    if (kinds.has("money") || kinds.has("months")) notes.push("In tables of money and of months, only values other than 0 count towards that minimum.");
  }
  if (dominance !== null) notes.push(`A figure is also withheld when one organization holds more than ${formatNumber(dominance.percent)}% of its total.`);
  if (minimum !== null || dominance !== null) notes.push("Totals are withheld too when they would give away a withheld figure.");
  return notes;
}

/** The form's lines as arrays of fields: the empty form, or filled with `answers`. */
export function templateRecords(definition, answers = null) {
  const lines = [];
  lines.push([`# ${definition.title}`]);
  for (const line of nonEmptyLines(definition.description)) lines.push([`# ${line}`]);
  lines.push(["# Fill in the cells and leave empty the ones that do not apply. Keep the labels and the lines that start with a table id as they are."]);
  for (const note of zeroAndEmptyNotes(definition)) lines.push([`# ${note}`]);
  const asked = allCohorts(definition).filter((cohort) => cohortSource(cohort) === "contributor");
  if (asked.length) {
    lines.push([]);
    for (const cohort of asked) {
      lines.push([`# ${cohort.question} Choose one of: ${cohort.options.join("; ")}`]);
      lines.push(["cohort", cohort.id, answers?.cohorts?.[cohort.id] ?? ""]);
    }
  }
  for (const table of definition.tables) {
    lines.push([]);
    lines.push([`# ${table.title}: ${kindDescription(table.kind)}, ${ruleSummary(table)}`]);
    for (const line of nonEmptyLines(table.description)) lines.push([`# ${line}`]);
    const columns = columnLabels(definition, table);
    lines.push([table.id, ...columns]);
    rowLabels(definition, table).forEach((label, row) => {
      lines.push([label, ...columns.map((_, column) => (answers ? entryAt(answers, table.id, row, column) ?? "" : ""))]);
    });
  }
  return lines;
}

/** The CSV form, exactly as Swift's `csvTemplate(filledWith:)` writes it (CRLF line ends). */
export const csvTemplate = (definition, answers = null) => writeCSV(templateRecords(definition, answers));

/**
 * Reads a filled-in form given as records `{at, fields}` (`at` names where the record is: "line
 * 7" in a CSV file, "sheet 'Form', row 7" in a workbook). Returns `{answers, problems}`: the
 * answers only mean something when there are no problems. `cohortAnswers` are options already
 * known (from the link, or chosen on the page) for cohorts the file does not answer.
 */
export function readFormRecords(definition, records, cohortAnswers = {}) {
  const problems = [];
  const placeOf = (record, column) => `${record.at}, column ${columnName(column)}`;
  const report = (record, column, message) => {
    const place = placeOf(record, column);
    problems.push({ place, message, text: `${place}: ${message}`, cells: [], cohort: null });
  };
  const tables = definition.tables;
  const cohorts = allCohorts(definition);
  const answers = emptyAnswers(definition);
  const cellLocations = new Map();
  let current = null;
  const tableLines = new Map(), rowLines = new Map(), cohortLines = new Map();
  const headerWidths = new Map(); // fields on each table's header line, padding included
  const refusedRows = new Set(); // rows with more values than columns: not read at all

  for (const record of records) {
    const fields = record.fields;
    if (!fields.some((field) => trimmed(field) !== "")) continue;
    const first = trimmed(fields[0]);
    if (first.startsWith("#")) continue;
    const rejectExtraCells = (count, what) => {
      for (let i = count; i < fields.length; i++) {
        if (trimmed(fields[i]) !== "") { report(record, i + 1, `'${trimmed(fields[i])}' is beyond ${what}`); return; }
      }
    };

    const tableIndex = tables.findIndex((table) => same(table.id, first));
    if (tableIndex >= 0) {
      const table = tables[tableIndex];
      current = tableIndex;
      if (tableLines.has(tableIndex)) report(record, 1, `table '${table.id}' starts again; it already started on ${tableLines.get(tableIndex)}`);
      tableLines.set(tableIndex, record.at);
      headerWidths.set(tableIndex, fields.length);
      const columns = columnLabels(definition, table);
      columns.forEach((label, i) => {
        const found = i + 1 < fields.length ? trimmed(fields[i + 1]) : "";
        if (!same(found, label)) {
          report(record, i + 2, found === ""
            ? `the column label '${label}' of table '${table.id}' is missing`
            : `expected the column label '${label}' of table '${table.id}' but found '${found}'`);
        }
      });
      rejectExtraCells(columns.length + 1, `the last column of table '${table.id}'`);
      continue;
    }

    if (same(first, "cohort")) {
      const id = fields.length > 1 ? trimmed(fields[1]) : "";
      const cohort = cohorts.find((c) => same(c.id, id));
      if (!cohort) {
        const known = cohorts.map((c) => `'${c.id}'`).join(", ");
        report(record, 2, `'${id}' is not a cohort of this study` + (known === "" ? " (it has none)" : `; its cohorts are ${known}`));
        continue;
      }
      if (cohortLines.has(cohort.id)) report(record, 1, `cohort '${cohort.id}' is answered again; it was answered on ${cohortLines.get(cohort.id)}`);
      cohortLines.set(cohort.id, record.at);
      const answer = fields.length > 2 ? trimmed(fields[2]) : "";
      if (answer === "") {
        report(record, 3, `no option is chosen for "${cohort.question}"; choose one of: ` + cohort.options.join("; "));
      } else {
        const option = cohort.options.find((o) => same(o, answer));
        if (option !== undefined) answers.cohorts[cohort.id] = option;
        else report(record, 3, `'${answer}' is not one of the options for "${cohort.question}": ` + cohort.options.join("; "));
      }
      rejectExtraCells(3, "the answer");
      continue;
    }

    if (current === null) {
      report(record, 1, `'${first}' comes before any table header; a table starts with a line holding its id (`
        + tables.map((t) => `'${t.id}'`).join(", ") + ") and its column labels");
      continue;
    }
    const table = tables[current];
    const rows = rowLabels(definition, table), columns = columnLabels(definition, table);
    const row = rows.findIndex((label) => same(label, first));
    if (row < 0) {
      report(record, 1, `'${first}' is not a row of table '${table.id}' (${table.title}); its rows are: ` + rows.join("; "));
      continue;
    }
    const rowKey = `${current}/${row}`;
    if (rowLines.has(rowKey)) {
      report(record, 1, `row '${rows[row]}' of table '${table.id}' appears again; it is already on ${rowLines.get(rowKey)}`);
      continue;
    }
    rowLines.set(rowKey, record.at);
    // A spreadsheet may pad every line with empty cells to the width of its widest line, header
    // lines included; more fields than that (or a value past the last column) means a cell was
    // split, and every value after the split would land one column off.
    let lastFilled = 0;
    fields.forEach((field, i) => { if (trimmed(field) !== "") lastFilled = i; });
    const width = Math.max(columns.length + 1, headerWidths.get(current) ?? 0);
    if (lastFilled > columns.length || fields.length > width) {
      const count = (fields.length > width ? fields.length : lastFilled + 1) - 1;
      const message = tooManyValuesMessage(rows[row], table.id, count, columns.length, fields);
      problems.push({ place: record.at, message, text: `${record.at}: ${message}`, cells: [], cohort: null });
      refusedRows.add(rowKey);
      continue;
    }
    for (let column = 0; column < columns.length && column + 1 < fields.length; column++) {
      const entry = trimmed(fields[column + 1]);
      answers.tables[table.id][row][column] = entry === "" ? null : entry;
      cellLocations.set(`${current}/${row}/${column}`, placeOf(record, column + 2));
    }
  }

  for (const cohort of cohorts) {
    if (answers.cohorts[cohort.id] === undefined && !cohortLines.has(cohort.id) && cohortAnswers[cohort.id] != null) {
      answers.cohorts[cohort.id] = cohortAnswers[cohort.id];
    }
  }
  const missingTables = tables.map((_, i) => i).filter((i) => !tableLines.has(i));
  if (missingTables.length && (records.length || tables.length)) {
    const message = "the file has no header line for "
      + missingTables.map((i) => `table '${tables[i].id}' (${tables[i].title})`).join(", ")
      + "; a table starts with a line holding its id and its column labels";
    problems.push({ place: "", message, text: message, cells: [], cohort: null });
  }

  const read = checkAnswers(definition, answers, {
    locationOf: (t, r, c) => cellLocations.get(`${t}/${r}/${c}`) ?? null, skippedRows: refusedRows,
  });
  // A cohort left unanswered in the file was already reported on its line.
  for (const problem of read.problems) {
    if (!cohorts.some((c) => cohortLines.has(c.id) && problem.place === c.question)) problems.push(problem);
  }
  return { answers, problems };
}

/**
 * Why a row has more values than its table has columns, with the likely cause (Swift's
 * `tooManyValuesMessage`): `74,607` written without quotes is two values. When exactly one pair
 * of values in the row could be such a split, it is named as the likely one.
 */
export function tooManyValuesMessage(row, table, count, columns, fields) {
  const digits = (text, min, max) => text.length >= min && text.length <= max && /^[0-9]+$/.test(text);
  const values = fields.slice(1).map(trimmed);
  const splits = values.map((_, i) => i).slice(0, -1).filter((i) => digits(values[i], 1, 3) && digits(values[i + 1], 3, 3));
  let example = "like 74,607,", joined = "74607";
  if (splits.length === 1) {
    const split = splits[0];
    example = `perhaps ${values[split]},${values[split + 1]} (columns ${columnName(split + 2)} and ${columnName(split + 3)} here),`;
    joined = values[split] + values[split + 1];
  }
  return `row '${row}' of table '${table}' has ${count} values where the table has ${columns} column${columns === 1 ? "" : "s"}; `
    + `a number written with a thousands separator, ${example} splits into two values — write ${joined} or put it in quotes`;
}

/**
 * Reads a filled-in CSV form. Returns `{answers, problems}`; every problem names the line and
 * spreadsheet column (`line 7, column D`) and, for cells, the table, row and column.
 */
export function readCSVForm(definition, text, cohortAnswers = {}) {
  let records;
  try {
    records = readCSVRecords(text);
  } catch (error) {
    if (error.line === undefined) throw error;
    const place = `line ${error.line}, column ${columnName(error.column)}`;
    return { answers: null, problems: [{ place, message: error.message, text: `${place}: ${error.message}`, cells: [], cohort: null }] };
  }
  return readFormRecords(definition, records.map((r) => ({ at: `line ${r.line}`, fields: r.fields })), cohortAnswers);
}
