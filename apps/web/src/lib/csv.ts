/** The header row and first data row of a CSV file (RFC 4180 quoting), read locally before upload. */
export function readCsvHead(text: string): { headers: string[]; sample: string[] } {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < 2; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); cell = '';
      rows.push(row); row = [];
    } else cell += ch;
  }
  if (rows.length < 2 && (cell || row.length)) { row.push(cell); rows.push(row); }
  const headers = (rows[0] ?? []).map((h) => h.replace(/^\uFEFF/, '').trim()).filter(Boolean);
  return { headers, sample: rows[1] ?? [] };
}

