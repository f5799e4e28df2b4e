// CSV files the operator downloads (RFC 4180: comma-separated, CRLF line
// ends, a field quoted when it holds a comma, a quote or a line break, with
// its quotes doubled). A text field that a spreadsheet would run as a formula
// (it starts with =, +, -, @, a tab or a carriage return and is not a plain
// number) gets a leading apostrophe: vendor messages and warehouse keys are
// not trusted input (OWASP, "CSV injection").

function cell(value) {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// `columns`: [[header, (row) => value], ...]. Returns the file's text.
export function toCsv(rows, columns) {
  const lines = [columns.map(([header]) => cell(header)).join(',')];
  for (const row of rows) lines.push(columns.map(([, pick]) => cell(pick(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

// Hands `text` to the browser as a download named `filename`.
export function downloadCsv(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
