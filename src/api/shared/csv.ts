/**
 * A cell a spreadsheet would run as a formula (OWASP "CSV injection"): `=`, `+`, `-`, `@`, tab or
 * CR first. Such text gets a leading `'`, which spreadsheets show as text. Numbers are written as
 * numbers: a negative AAL is data, not a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180 output: quote a field when it holds a comma, quote, CR or LF. */
function field(value: unknown): string {
  let text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(';') : String(value);
  if (typeof value !== 'number' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<T extends object>(rows: readonly T[], columns: ReadonlyArray<keyof T & string>): string {
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => field(row[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
