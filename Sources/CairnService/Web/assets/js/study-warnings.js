// Numbers that are allowed but look like mistakes: a stray extra digit, a monthly amount where a
// yearly one is asked for, a cell pasted one column off. They do not stop a submission; the
// contributor confirms each one. Thresholds are deliberately loose so that a warning is rare and
// worth reading.

import { cellPlace, cellRules, allRules, formatScaled } from "./study-form.js";

const OUTLIER_FACTOR = 100;       // × the median of the other numbers in the row or column
const OUTLIER_PEERS = 3;          // others needed before a comparison means anything
const LOWEST_PAY = 10_000;        // dollars per employee per year
const HIGHEST_PAY = 1_000_000;
const LONGEST_SERVICE = 600;      // months per employee (50 years)

const median = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const dollars = (amount) => "$" + Math.round(amount).toLocaleString("en-US");

/**
 * Warnings for answers already read by `checkAnswers` (`read.values`): `[{id, text, cells}]`.
 * `id` changes when the value does, so an acknowledgement holds for the value acknowledged.
 */
export function findWarnings(definition, answers, read) {
  const warnings = [];
  const tables = definition.tables;
  const index = new Map(tables.map((table, i) => [table.id, i]));
  // A table that is part of another (performance pay within compensation) may be small per employee.
  const parts = new Set(allRules(definition).filter((rule) => rule.rule === "notGreaterThan").map((rule) => rule.tables[0]));

  tables.forEach((table, t) => {
    const values = read.values[t];
    if (!values) return;
    const places = (row, column) => cellRules(definition, table, row, column).decimalPlaces ?? 0;
    const real = (row, column) => {
      const value = values[row]?.[column];
      return value === null || value === undefined ? null : Number(value) / 10 ** places(row, column);
    };
    const entry = (row, column) => String(answers.tables[table.id]?.[row]?.[column] ?? "").trim();
    const warned = new Set();
    const add = (kind, row, column, message, extraCells = []) => {
      const key = `${row}/${column}`;
      if (warned.has(key)) return;
      warned.add(key);
      const place = cellPlace(definition, t, row, column);
      warnings.push({ id: `${kind}:${table.id}/${key}:${entry(row, column)}`, text: `${place}: ${message}`,
        cells: [{ table: table.id, row, column }, ...extraCells] });
    };

    // Much larger than the rest of its row or column.
    for (let row = 0; row < values.length; row++) {
      for (let column = 0; column < values[row].length; column++) {
        const value = real(row, column);
        if (value === null || value <= 0) continue;
        for (const [line, others] of [
          ["row", values[row].map((_, c) => (c === column ? null : real(row, c)))],
          ["column", values.map((_, r) => (r === row ? null : real(r, column)))],
        ]) {
          const peers = others.filter((v) => v !== null && v > 0);
          if (peers.length < OUTLIER_PEERS) continue;
          const typical = median(peers);
          if (value > OUTLIER_FACTOR * typical) {
            add("outlier", row, column, `${entry(row, column)} is much larger than the other numbers in its ${line} `
              + `(typically ${formatScaled(BigInt(Math.round(typical)), 0)}); check for an extra digit or a number in the wrong cell`);
            break;
          }
        }
      }
    }

    // Per employee, where the table has a headcount.
    const headcount = table.headcountTable !== undefined ? index.get(table.headcountTable) : undefined;
    if (headcount === undefined || !read.values[headcount]) return;
    const counts = read.values[headcount];
    for (let row = 0; row < values.length; row++) {
      for (let column = 0; column < values[row].length; column++) {
        const value = real(row, column);
        const people = counts[row]?.[column];
        if (value === null || value <= 0 || people === null || people === undefined || people <= 0n) continue;
        const each = value / Number(people);
        const headcountCell = { table: table.headcountTable, row, column };
        if (table.kind === "money") {
          if (each > HIGHEST_PAY) {
            add("pay-high", row, column, `${entry(row, column)} for ${people} employee${people === 1n ? "" : "s"} is ${dollars(each)} per employee, `
              + `more than ${dollars(HIGHEST_PAY)} a year; check that it is in whole dollars (no cents) and for one year`, [headcountCell]);
          } else if (each < LOWEST_PAY && !parts.has(table.id)) {
            add("pay-low", row, column, `${entry(row, column)} for ${people} employee${people === 1n ? "" : "s"} is ${dollars(each)} per employee, `
              + `less than ${dollars(LOWEST_PAY)} a year; check that it is the yearly total for all the employees counted in the cell, not a monthly or hourly amount`, [headcountCell]);
          }
        } else if (table.kind === "months" && each > LONGEST_SERVICE) {
          add("months-high", row, column, `${entry(row, column)} months for ${people} employee${people === 1n ? "" : "s"} is more than `
            + `${LONGEST_SERVICE / 12} years each; check that it is in months and for the employees counted in the cell`, [headcountCell]);
        }
      }
    }
  });
  return warnings;
}
