// Spreadsheet files in the browser, without libraries: CSV as RFC 4180 (a port of
// Sources/CairnStudy/Definition/CSV.swift, so the messages match `cairn submit`), and .xlsx
// workbooks, which are zip archives of XML: read with DecompressionStream and DOMParser, written
// as a stored (uncompressed) zip, which every spreadsheet program opens.

// ---------------------------------------------------------------------------------------------
// CSV

/** The spreadsheet name of a column counted from 1: A, B, …, Z, AA, AB, …. */
export function columnName(column) {
  let name = "";
  while (column > 0) {
    const remainder = (column - 1) % 26;
    name = String.fromCharCode(65 + remainder) + name;
    column = Math.floor((column - 1) / 26);
  }
  return name;
}

/** A file that is not CSV: `line`, `column` (from 1) and a plain message. */
export class CSVSyntaxError extends Error {
  constructor(line, column, message) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

/** The records `{line, fields}` of a CSV text. Throws CSVSyntaxError. */
export function readCSVRecords(text) {
  const records = [];
  let fields = [];
  let field = "";
  let line = 1, recordLine = 1;
  let quoted = false, wasQuoted = false, quoteLine = 1;
  const scalars = Array.from(text);
  let index = scalars[0] === "\uFEFF" ? 1 : 0;
  const endField = () => { fields.push(field); field = ""; wasQuoted = false; };
  const endRecord = () => { endField(); records.push({ line: recordLine, fields }); fields = []; };

  while (index < scalars.length) {
    const scalar = scalars[index++];
    if (quoted) {
      if (scalar === "\"") {
        if (index < scalars.length && scalars[index] === "\"") { field += "\""; index++; }
        else { quoted = false; wasQuoted = true; }
      } else {
        if (scalar === "\n" || (scalar === "\r" && (index >= scalars.length || scalars[index] !== "\n"))) line++;
        field += scalar;
      }
      continue;
    }
    switch (scalar) {
      case ",":
        endField();
        break;
      case "\r":
      case "\n":
        if (scalar === "\r" && index < scalars.length && scalars[index] === "\n") index++;
        endRecord();
        line++;
        recordLine = line;
        break;
      case "\"":
        if (field !== "" || wasQuoted) {
          throw new CSVSyntaxError(line, fields.length + 1, "a quote (\") in the middle of a cell; a cell with quotes must start and end with one, and a quote inside it is written twice (\"\")");
        }
        quoted = true;
        quoteLine = line;
        break;
      default:
        if (wasQuoted) {
          if (scalar === " " || scalar === "\t") continue;
          throw new CSVSyntaxError(line, fields.length + 1, "text after the closing quote of a quoted cell");
        }
        field += scalar;
    }
  }
  if (quoted) throw new CSVSyntaxError(quoteLine, fields.length + 1, "a quoted cell is never closed (its closing quote is missing)");
  if (field !== "" || fields.length || wasQuoted) endRecord();
  return records;
}

/** The field as written in CSV: quoted if it holds a comma, quote, line break or edge space. */
export function quoteCSV(field) {
  const needsQuotes = /[,"\r\n]/.test(field) || field.startsWith(" ") || field.endsWith(" ");
  return needsQuotes ? "\"" + field.replaceAll("\"", "\"\"") + "\"" : field;
}

/** A CSV text with CRLF line breaks. */
export const writeCSV = (records) => records.map((fields) => fields.map(quoteCSV).join(",") + "\r\n").join("");

// ---------------------------------------------------------------------------------------------
// Zip (just what .xlsx needs)

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes) {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A zip archive of `files` ({name, bytes}), stored without compression. */
export function writeZip(files) {
  const encoder = new TextEncoder();
  const locals = [], centrals = [];
  let offset = 0;
  for (const file of files) {
    const name = encoder.encode(file.name);
    const crc = crc32(file.bytes);
    const local = new Uint8Array(30 + name.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);          // version needed
    l.setUint16(6, 0x0800, true);      // names in UTF-8
    l.setUint16(8, 0, true);           // stored
    l.setUint16(10, 0, true);          // time
    l.setUint16(12, 0x0021, true);     // date: 1980-01-01
    l.setUint32(14, crc, true);
    l.setUint32(18, file.bytes.length, true);
    l.setUint32(22, file.bytes.length, true);
    l.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const c = new DataView(central.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, 0x0800, true);
    c.setUint16(10, 0, true);
    c.setUint16(12, 0, true);
    c.setUint16(14, 0x0021, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, file.bytes.length, true);
    c.setUint32(24, file.bytes.length, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, file.bytes);
    centrals.push(central);
    offset += local.length + file.bytes.length;
  }
  const centralSize = centrals.reduce((n, part) => n + part.length, 0);
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, files.length, true);
  e.setUint16(10, files.length, true);
  e.setUint32(12, centralSize, true);
  e.setUint32(16, offset, true);
  return new Blob([...locals, ...centrals, end], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
}

/** A file that cannot be read as a workbook, with a plain message. */
export class SheetError extends Error {}

const MAX_ENTRY = 64 * 1024 * 1024;

async function inflateRaw(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The files of a zip archive: a Map from name to an async function giving its bytes. */
export function readZip(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) { end = at; break; }
  }
  if (end < 0) throw new SheetError("the file is not a complete .xlsx workbook (its zip directory is missing); save it again from your spreadsheet program");
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries = new Map();
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw new SheetError("the file's zip directory is damaged; save it again from your spreadsheet program");
    const method = view.getUint16(at + 10, true);
    const compressed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    entries.set(name, async () => {
      if (size > MAX_ENTRY) throw new SheetError(`the workbook's part ${name} is too large to read here`);
      const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      const data = bytes.subarray(start, start + compressed);
      if (method === 0) return data;
      if (method === 8) return inflateRaw(data);
      throw new SheetError(`the workbook is compressed in a way this page cannot read (method ${method}); save it again as .xlsx or as CSV`);
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// .xlsx

const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const escapeXML = (text) => text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "\"": "&quot;" })[c])
  // Characters XML 1.0 cannot hold at all.
  .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "");

/** Column letters of a cell reference ("C7" → 3). */
function columnNumber(reference) {
  const letters = /^[A-Za-z]+/.exec(reference)?.[0] ?? "";
  let n = 0;
  for (const letter of letters.toUpperCase()) n = n * 26 + (letter.charCodeAt(0) - 64);
  return n;
}

/**
 * A workbook with one sheet holding `records` (arrays of strings) row by row. Cells that are
 * plain numbers are written as numbers, so a spreadsheet adds them up; `bold` says which rows
 * to set in bold (the table headers).
 */
export function writeXLSX(records, { sheetName = "Form", bold = () => false, widths = [] } = {}) {
  const encoder = new TextEncoder();
  const rows = records.map((fields, r) => {
    const cells = fields.map((field, c) => {
      if (field === "") return "";
      const reference = columnName(c + 1) + (r + 1);
      const style = bold(r, fields) ? " s=\"1\"" : "";
      if (/^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?$/.test(field) && c > 0) return `<c r="${reference}"${style}><v>${field}</v></c>`;
      return `<c r="${reference}"${style} t="inlineStr"><is><t xml:space="preserve">${escapeXML(field)}</t></is></c>`;
    }).join("");
    return cells ? `<row r="${r + 1}">${cells}</row>` : "";
  }).join("");
  const cols = widths.length
    ? "<cols>" + widths.map((width, i) => `<col min="${i + 1}" max="${i + 1}" width="${width}" customWidth="1"/>`).join("") + "</cols>"
    : "";
  const xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
  const files = {
    "[Content_Types].xml": `${xml}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`
      + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
      + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
      + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
      + "</Types>",
    "_rels/.rels": `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
      + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
      + "</Relationships>",
    "xl/workbook.xml": `${xml}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>`
      + `<sheet name="${escapeXML(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
      + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
      + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
      + "</Relationships>",
    "xl/styles.xml": `${xml}<styleSheet xmlns="${MAIN_NS}">`
      + "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
      + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
      + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
      + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
      + "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
      + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>"
      + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
      + "</styleSheet>",
    "xl/worksheets/sheet1.xml": `${xml}<worksheet xmlns="${MAIN_NS}">${cols}<sheetData>${rows}</sheetData></worksheet>`,
  };
  return writeZip(Object.entries(files).map(([name, text]) => ({ name, bytes: encoder.encode(text) })));
}

const parseXML = (bytes, part) => {
  const document = new DOMParser().parseFromString(new TextDecoder().decode(bytes), "application/xml");
  if (document.getElementsByTagName("parsererror").length) throw new SheetError(`the workbook's part ${part} is not well-formed XML; save it again from your spreadsheet program`);
  return document;
};
const all = (node, name) => Array.from(node.getElementsByTagNameNS("*", name));
// Text of a string item: its runs' <t>, leaving out phonetic guides (<rPh>).
const itemText = (node) => all(node, "t").filter((t) => t.parentNode.localName !== "rPh").map((t) => t.textContent).join("");

/** Excel keeps numbers as doubles; show them as a person would have typed them. */
function numberText(value) {
  const trimmedValue = value.trim();
  if (/^-?\d+$/.test(trimmedValue)) return trimmedValue;
  const number = Number(trimmedValue);
  if (!Number.isFinite(number)) return trimmedValue;
  return String(Number(number.toPrecision(15)));
}

/**
 * The sheets of an .xlsx workbook, in the workbook's order: `[{name, rows: [{row, fields}]}]`
 * with `row` the spreadsheet row number (from 1) and `fields` the cells' texts from column A.
 */
export async function readXLSX(buffer) {
  const bytes = new Uint8Array(buffer);
  const zip = readZip(bytes);
  const part = async (name) => {
    const open = zip.get(name);
    return open ? parseXML(await open(), name) : null;
  };
  const workbook = await part("xl/workbook.xml");
  if (!workbook) throw new SheetError("the file is a zip archive but not an .xlsx workbook (it has no xl/workbook.xml)");
  const rels = await part("xl/_rels/workbook.xml.rels");
  const targets = new Map(rels ? all(rels, "Relationship").map((r) => [r.getAttribute("Id"), r.getAttribute("Target")]) : []);
  const sharedDocument = await part("xl/sharedStrings.xml");
  const shared = sharedDocument ? all(sharedDocument, "si").map(itemText) : [];

  const sheets = [];
  for (const [position, sheet] of all(workbook, "sheet").entries()) {
    const name = sheet.getAttribute("name") ?? `Sheet${position + 1}`;
    const id = sheet.getAttributeNS(REL_NS, "id") ?? sheet.getAttribute("r:id");
    let target = targets.get(id) ?? `worksheets/sheet${position + 1}.xml`;
    target = target.startsWith("/") ? target.slice(1) : "xl/" + target.replace(/^\.\//, "");
    const document = await part(target);
    if (!document) throw new SheetError(`the workbook's sheet '${name}' is missing (${target})`);
    const rows = [];
    let nextRow = 1;
    for (const rowNode of all(document, "row")) {
      const row = Number(rowNode.getAttribute("r")) || nextRow;
      nextRow = row + 1;
      const fields = [];
      let nextColumn = 1;
      for (const cell of all(rowNode, "c")) {
        const reference = cell.getAttribute("r");
        const column = reference ? columnNumber(reference) : nextColumn;
        nextColumn = column + 1;
        const type = cell.getAttribute("t") ?? "n";
        const v = all(cell, "v")[0]?.textContent ?? null;
        let text = "";
        if (type === "s") text = v === null ? "" : shared[Number(v)] ?? "";
        else if (type === "inlineStr") text = all(cell, "is").map(itemText).join("");
        else if (type === "str") text = v ?? "";
        else if (type === "b") text = v === "1" ? "TRUE" : v === null ? "" : "FALSE";
        else if (type === "e") text = v ?? "";
        else text = v === null ? "" : numberText(v);
        while (fields.length < column - 1) fields.push("");
        fields[column - 1] = text;
      }
      rows.push({ row, fields });
    }
    sheets.push({ name, rows });
  }
  if (!sheets.length) throw new SheetError("the workbook has no sheets");
  return sheets;
}

/** Whether the bytes start like a zip archive (an .xlsx) rather than text. */
export const looksLikeZip = (bytes) => bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
/** An old binary Excel file (.xls), which this page does not read. */
export const looksLikeOldExcel = (bytes) => bytes.length >= 8 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
