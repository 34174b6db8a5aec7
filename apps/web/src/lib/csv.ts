/** The separator of a CSV file as the server accepts them (`,` `;` or tab): the one its header line holds most of, outside quotes. */
function delimiterOf(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch]!++;
  }
  return Object.entries(counts).reduce((best, entry) => (entry[1] > best[1] ? entry : best), [',', 0] as [string, number])[0];
}

/** The header row and first data row of a CSV file (RFC 4180 quoting), read locally before upload. */
export function readCsvHead(text: string): { headers: string[]; sample: string[] } {
  const delimiter = delimiterOf(text);
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
    else if (ch === delimiter) { row.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); cell = '';
      rows.push(row); row = [];
    } else cell += ch;
  }
  if (rows.length < 2 && (cell || row.length)) { row.push(cell); rows.push(row); }
  // Columns without a header are left out, and so are their cells, keeping header and sample aligned.
  const kept = (rows[0] ?? []).map((h, i) => [h.replace(/^\uFEFF/, '').trim(), i] as const).filter(([h]) => h.length > 0);
  return { headers: kept.map(([h]) => h), sample: rows[1] ? kept.map(([, i]) => rows[1]![i] ?? '') : [] };
}
