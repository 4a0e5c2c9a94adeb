// The study's tables as spreadsheet-like grids. Each cell is an <input> (so typing, selection,
// copy and assistive technology work as people expect) inside a role="gridcell"; the grid
// decides what keys mean, as spreadsheets do: a selected cell is replaced by typing, F2 or a
// double-click edits it in place, arrows / Tab / Enter move, Escape cancels an edit.
//
// The grid edits `answers.tables` (Swift FilledTables shape) in place and calls `onEdit` after
// every change, so the page can check the numbers and update totals as one types.

import { h as element } from "./dom.js";
import { rowLabels, columnLabels, labelParts } from "./study-form.js";


/** Splits text copied from a spreadsheet (tab-separated cells, one row per line) into rows of cells. */
export function parseClipboard(text) {
  let rows = text.replace(/\r\n|\r/g, "\n");
  if (rows.endsWith("\n")) rows = rows.slice(0, -1); // spreadsheets end the last row with a line break
  return rows.split("\n").map((row) => row.split("\t").map((cell) => {
    // Excel quotes a cell holding a line break or tab; numbers never need it.
    const quoted = /^"([\s\S]*)"$/.exec(cell);
    return (quoted ? quoted[1].replaceAll("\"\"", "\"") : cell).trim();
  }));
}

export class Grid {
  /**
   * `definition`: the study; `answers`: edited in place; `onEdit(cells)`: after a change;
   * `onMessage(text)`: something to tell the contributor (a paste that did not fit).
   */
  constructor(container, definition, answers, { onEdit = () => {}, onMessage = () => {}, onUndoChange = () => {} } = {}) {
    this.container = container;
    this.definition = definition;
    this.answers = answers;
    this.onEdit = onEdit;
    this.onMessage = onMessage;
    this.onUndoChange = onUndoChange;
    this.inputs = new Map(); // "table/row/column" → input
    this.editing = null;     // {input, original, mode: "enter" | "edit"}
    this.undoStack = [];     // pastes and cleared ranges, newest last: {what, cells: [{table, row, column, before}]}
    this.range = null;       // a block selected with Shift and the arrows: {table, row, column} of its anchor
    this.extending = false;  // the focus moves because the block grows: keep it
    this.active = null;
    this.tabStops = new Map();
    this.editable = true;
    this.render();
    container.addEventListener("keydown", (event) => this.keydown(event));
    container.addEventListener("input", (event) => this.input(event));
    container.addEventListener("focusin", (event) => this.focusin(event));
    container.addEventListener("focusout", (event) => this.focusout(event));
    container.addEventListener("paste", (event) => this.paste(event));
    container.addEventListener("copy", (event) => this.copy(event));
    container.addEventListener("dblclick", (event) => {
      const input = this.cellInput(event.target);
      if (input && this.editable) this.startEditing(input, "edit", false);
    });
  }

  key = (table, row, column) => `${table}/${row}/${column}`;
  inputAt = (table, row, column) => this.inputs.get(this.key(table, row, column));
  cellInput = (target) => (target instanceof HTMLInputElement && target.dataset.table !== undefined ? target : null);
  position = (input) => ({ table: input.dataset.table, row: Number(input.dataset.row), column: Number(input.dataset.column) });
  shape = (tableID) => {
    const rows = this.answers.tables[tableID];
    return { rows: rows.length, columns: rows[0]?.length ?? 0 };
  };

  render() {
    this.container.replaceChildren();
    this.definition.tables.forEach((table, tableIndex) => {
      const rows = rowLabels(this.definition, table);
      const columns = columnLabels(this.definition, table);
      const titleID = `table-title-${tableIndex}`;
      const section = element("section", { class: "grid-table", "aria-labelledby": titleID });
      section.append(element("h3", { id: titleID, text: table.title }));
      if (table.description) section.append(element("p", { class: "muted table-description", text: table.description }));

      const grid = element("table", { role: "grid", class: "grid", "aria-labelledby": titleID, "data-grid": table.id });
      const head = element("thead");
      const parts = labelParts(this.definition, table.columns);
      const levels = parts && parts.length > 1 && parts.every((part) => part.length > 0) ? parts : [columns];
      levels.forEach((part, level) => {
        const tr = element("tr");
        if (level === 0) tr.append(element("th", { class: "corner", scope: "col", rowspan: levels.length > 1 ? levels.length : null, text: "" }));
        const span = levels.slice(level + 1).reduce((n, p) => n * p.length, 1);
        const repeat = levels.slice(0, level).reduce((n, p) => n * p.length, 1);
        for (let r = 0; r < repeat; r++) {
          for (const label of part) {
            tr.append(element("th", { scope: span > 1 ? "colgroup" : "col", colspan: span > 1 ? span : null, class: span > 1 ? "group" : null, text: label }));
          }
        }
        if (level === 0) tr.append(element("th", { class: "total", scope: "col", rowspan: levels.length > 1 ? levels.length : null, text: "Row total" }));
        head.append(tr);
      });
      grid.append(head);

      const body = element("tbody");
      rows.forEach((rowLabel, row) => {
        const tr = element("tr");
        tr.append(element("th", { scope: "row", class: "row-label", text: rowLabel }));
        columns.forEach((columnLabel, column) => {
          const input = element("input", {
            type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false",
            tabindex: "-1", "data-table": table.id, "data-row": String(row), "data-column": String(column),
            "aria-label": `${table.title}: ${rowLabel}, ${columnLabel}`,
          });
          input.value = this.answers.tables[table.id][row][column] ?? "";
          this.inputs.set(this.key(table.id, row, column), input);
          tr.append(element("td", { role: "gridcell" }, input));
        });
        tr.append(element("td", { class: "total", "data-table": table.id, "data-total-row": String(row), "aria-label": `Row total, ${rowLabel}` }));
        body.append(tr);
      });
      grid.append(body);
      const foot = element("tfoot");
      const totals = element("tr");
      totals.append(element("th", { scope: "row", class: "row-label", text: "Column total" }));
      columns.forEach((columnLabel, column) => {
        totals.append(element("td", { class: "total", "data-table": table.id, "data-total-column": String(column), "aria-label": `Column total, ${columnLabel}` }));
      });
      totals.append(element("td", { class: "total grand", "data-table": table.id, "data-total-all": "", "aria-label": "Total of the table" }));
      foot.append(totals);
      grid.append(foot);
      section.append(element("div", { class: "grid-scroll" }, grid));
      this.container.append(section);
    });
    // One Tab stop per table (its selected cell), so that Tab reaches every table in turn.
    this.tabStops = new Map();
    for (const input of this.inputs.values()) {
      if (this.tabStops.has(input.dataset.table)) continue;
      input.tabIndex = 0;
      this.tabStops.set(input.dataset.table, input);
    }
    this.active = this.inputs.values().next().value ?? null;
  }

  /** Shows `answers` again (after an upload or undo replaced them). */
  refresh() {
    for (const [key, input] of this.inputs) {
      const [table, row, column] = key.split("/");
      input.value = this.answers.tables[table][Number(row)][Number(column)] ?? "";
    }
  }

  setEditable(editable) {
    this.editable = editable;
    for (const input of this.inputs.values()) input.readOnly = !editable;
  }

  /** Selects (focuses) a cell; `table` may be an id. */
  focusCell(table, row, column) {
    const input = this.inputAt(table, row, column);
    if (!input) return;
    input.scrollIntoView({ block: "nearest", inline: "nearest" });
    input.focus();
  }

  /** Marks the cells with problems or warnings: Map from key to {level, message}. */
  mark(marks) {
    for (const [key, input] of this.inputs) {
      const mark = marks.get(key);
      const cell = input.parentElement;
      cell.classList.toggle("invalid", mark?.level === "problem");
      cell.classList.toggle("warned", mark?.level === "warning");
      if (mark?.level === "problem") input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      if (mark) input.title = mark.message;
      else input.removeAttribute("title");
    }
  }

  setValue(table, row, column, text) {
    const value = text === null || text.trim() === "" ? null : text;
    this.answers.tables[table][row][column] = value;
    const input = this.inputAt(table, row, column);
    if (input && input.value !== (value ?? "")) input.value = value ?? "";
  }

  // -- editing -----------------------------------------------------------------------------

  startEditing(input, mode, clear) {
    if (this.editing?.input !== input) this.editing = { input, original: input.value, mode };
    else this.editing.mode = mode;
    input.classList.add("editing");
    if (clear) input.value = "";
    else if (mode === "edit") {
      const end = input.value.length;
      input.setSelectionRange(end, end);
    }
  }

  stopEditing(cancel = false) {
    const editing = this.editing;
    if (!editing) return;
    this.editing = null;
    editing.input.classList.remove("editing");
    if (cancel && editing.input.value !== editing.original) {
      editing.input.value = editing.original;
      this.input({ target: editing.input });
    }
  }

  input(event) {
    const input = this.cellInput(event.target);
    if (!input) return;
    if (!this.editing || this.editing.input !== input) this.startEditing(input, "enter", false);
    const { table, row, column } = this.position(input);
    const text = input.value;
    this.answers.tables[table][row][column] = text.trim() === "" ? null : text;
    this.onEdit([{ table, row, column }]);
  }

  focusin(event) {
    const input = this.cellInput(event.target);
    if (!input) return;
    if (this.editing && this.editing.input !== input) this.stopEditing();
    if (!this.extending) this.clearRange();
    const stop = this.tabStops.get(input.dataset.table);
    if (stop && stop !== input) stop.tabIndex = -1;
    input.tabIndex = 0;
    this.tabStops.set(input.dataset.table, input);
    this.active = input;
    this.container.querySelectorAll("td.selected").forEach((td) => td.classList.remove("selected"));
    input.parentElement.classList.add("selected");
  }

  focusout(event) {
    const input = this.cellInput(event.target);
    if (input && this.editing?.input === input) this.stopEditing();
  }

  /** Moves the selection within the cell's table; returns false at an edge. */
  move(input, rowStep, columnStep, wrap = false) {
    const { table, row, column } = this.position(input);
    const { rows, columns } = this.shape(table);
    let r = row + rowStep, c = column + columnStep;
    if (wrap) {
      if (c >= columns) { c = 0; r += 1; }
      if (c < 0) { c = columns - 1; r -= 1; }
    }
    if (r < 0 || r >= rows || c < 0 || c >= columns) return false;
    this.focusCell(table, r, c);
    return true;
  }

  keydown(event) {
    const input = this.cellInput(event.target);
    if (!input) return;
    const editing = this.editing?.input === input ? this.editing : null;
    const command = event.ctrlKey || event.metaKey;
    const stop = () => { event.preventDefault(); event.stopPropagation(); };

    if (command && !event.altKey && event.key.toLowerCase() === "z" && !event.shiftKey) {
      if (editing && editing.input.value !== editing.original) return; // the input's own undo of typing
      if (this.undoStack.length) { stop(); this.undoPaste(); }
      return;
    }
    switch (event.key) {
      case "Enter": {
        stop();
        this.stopEditing();
        // After a run of Tabs along a row, Enter goes to the next row where the run began, as
        // spreadsheets do, so that a row typed as "value Tab value Enter" lands on the next row.
        const { table, row } = this.position(input);
        const run = this.tabRun;
        this.tabRun = null;
        if (run && !event.shiftKey && run.table === table && run.row === row) {
          if (row + 1 < this.shape(table).rows) this.focusCell(table, row + 1, run.column);
          return;
        }
        this.move(input, event.shiftKey ? -1 : 1, 0);
        return;
      }
      case "Tab": {
        this.stopEditing();
        const { table, row, column } = this.position(input);
        const run = this.tabRun;
        if (!event.shiftKey && !(run && run.table === table && run.row === row)) this.tabRun = { table, row, column };
        // At the table's first or last cell Tab leaves the grid, as a form would.
        if (this.move(input, 0, event.shiftKey ? -1 : 1, true)) {
          stop();
          if (this.position(document.activeElement).row !== row) this.tabRun = null; // wrapped to the next row
        } else {
          this.tabRun = null;
        }
        return;
      }
      case "Escape":
        if (editing) { stop(); this.stopEditing(true); }
        return;
      case "F2":
        stop();
        if (this.editable) this.startEditing(input, "edit", false);
        return;
      case "ArrowUp": case "ArrowDown": case "ArrowLeft": case "ArrowRight": {
        if (editing?.mode === "edit" || event.altKey || command) return; // caret moves within the text
        stop();
        this.stopEditing();
        this.tabRun = null;
        const steps = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
        if (event.shiftKey) {
          // Shift and an arrow grow a block from where it began, to copy or clear it at once.
          this.range ??= this.position(input);
          this.extending = true;
          this.move(input, ...steps);
          this.extending = false;
          this.paintRange();
        } else {
          this.move(input, ...steps);
        }
        return;
      }
      case "Home": case "End":
        if (editing || !command) return;
        stop();
        { const { table } = this.position(input); const { rows, columns } = this.shape(table);
          this.focusCell(table, event.key === "Home" ? 0 : rows - 1, event.key === "Home" ? 0 : columns - 1); }
        return;
      case "Delete": case "Backspace":
        if (editing || !this.editable) return;
        stop();
        if (this.range) {
          this.clearBlock();
          return;
        }
        if (input.value !== "") {
          input.value = "";
          const { table, row, column } = this.position(input);
          this.answers.tables[table][row][column] = null;
          this.onEdit([{ table, row, column }]);
        }
        return;
      default:
        // A printable key on a selected cell replaces its content, as in a spreadsheet.
        if (!editing && this.editable && event.key.length === 1 && !command && !event.altKey) {
          this.clearRange();
          this.startEditing(input, "enter", true);
        }
    }
  }

  copy(event) {
    const input = this.cellInput(event.target);
    if (!input || this.editing?.input === input) return;
    event.preventDefault();
    // Tab-separated rows, as spreadsheets put a block on the clipboard.
    const block = this.rangeBlock() ?? { table: this.position(input).table, top: this.position(input).row,
      left: this.position(input).column, bottom: this.position(input).row, right: this.position(input).column };
    const lines = [];
    for (let r = block.top; r <= block.bottom; r++) {
      const cells = [];
      for (let c = block.left; c <= block.right; c++) cells.push(this.inputAt(block.table, r, c).value);
      lines.push(cells.join("\t"));
    }
    event.clipboardData.setData("text/plain", lines.join("\n"));
  }

  /** The selected block's bounds, or null when no block is selected. */
  rangeBlock() {
    if (!this.range || !this.active) return null;
    const here = this.position(this.active);
    if (here.table !== this.range.table) return null;
    return {
      table: here.table,
      top: Math.min(here.row, this.range.row), bottom: Math.max(here.row, this.range.row),
      left: Math.min(here.column, this.range.column), right: Math.max(here.column, this.range.column),
    };
  }

  paintRange() {
    const block = this.rangeBlock();
    for (const input of this.inputs.values()) {
      const { table, row, column } = this.position(input);
      const inside = !!block && table === block.table && row >= block.top && row <= block.bottom
        && column >= block.left && column <= block.right;
      input.parentElement.classList.toggle("in-range", inside);
      if (inside) input.parentElement.setAttribute("aria-selected", "true");
      else input.parentElement.removeAttribute("aria-selected");
    }
  }

  clearRange() {
    if (!this.range) return;
    this.range = null;
    this.paintRange();
  }

  /** Empties every cell of the selected block; undoable like a paste. */
  clearBlock() {
    const block = this.rangeBlock();
    if (!block) return;
    const cells = [];
    for (let r = block.top; r <= block.bottom; r++) {
      for (let c = block.left; c <= block.right; c++) {
        const before = this.answers.tables[block.table][r][c];
        if (before === null || before === "") continue;
        cells.push({ table: block.table, row: r, column: c, before });
        this.setValue(block.table, r, c, "");
      }
    }
    if (!cells.length) return;
    this.remember("clearing", cells);
    this.onMessage(`Cleared ${cells.length} cell${cells.length === 1 ? "" : "s"}.`);
  }

  remember(what, cells) {
    this.undoStack.push({ what, cells });
    this.onUndoChange(true);
    this.onEdit(cells.map(({ table, row, column }) => ({ table, row, column })));
  }

  paste(event) {
    const input = this.cellInput(event.target);
    if (!input || !this.editable) return;
    const text = event.clipboardData?.getData("text/plain") ?? "";
    const block = parseClipboard(text);
    const single = block.length === 1 && block[0].length === 1;
    if (single && this.editing?.input === input && this.editing.mode === "edit") return; // into the text being edited
    event.preventDefault();
    this.stopEditing();
    const selected = this.rangeBlock();
    this.pasteBlock(selected ? this.inputAt(selected.table, selected.top, selected.left) : input, block);
  }

  /** Fills cells from the selected one with `block` (rows of cell texts); undoable. */
  pasteBlock(input, block) {
    const { table, row, column } = this.position(input);
    const { rows, columns } = this.shape(table);
    const undo = [];
    let outside = 0;
    block.forEach((cells, i) => cells.forEach((text, j) => {
      const r = row + i, c = column + j;
      if (r >= rows || c >= columns) { if (text !== "") outside++; return; }
      undo.push({ table, row: r, column: c, before: this.answers.tables[table][r][c] });
      this.setValue(table, r, c, text);
    }));
    if (!undo.length) return;
    this.remember("paste", undo);
    const pastedRows = Math.min(block.length, rows - row);
    this.onMessage(outside
      ? `Pasted ${undo.length} cell${undo.length === 1 ? "" : "s"}; ${outside} value${outside === 1 ? " was" : "s were"} beyond the edge of the table and left out. Check that you selected the right starting cell.`
      : `Pasted ${undo.length} cell${undo.length === 1 ? "" : "s"} (${pastedRows} row${pastedRows === 1 ? "" : "s"}).`);
  }

  get canUndo() { return this.undoStack.length > 0; }

  /** Undoes the last paste or clearing of a block. */
  undoPaste() {
    const undo = this.undoStack.pop();
    if (!undo) return;
    const { what, cells } = undo;
    for (const { table, row, column, before } of cells) this.setValue(table, row, column, before);
    this.onUndoChange(this.undoStack.length > 0);
    this.onEdit(cells.map(({ table, row, column }) => ({ table, row, column })));
    this.onMessage(`Undid the ${what} of ${cells.length} cell${cells.length === 1 ? "" : "s"}.`);
    this.focusCell(cells[0].table, cells[0].row, cells[0].column);
  }
}
