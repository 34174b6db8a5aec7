import { customerRow } from './customers-csv.ts';
import { startOnLargeWorkspace } from './large-workspace.ts';
import { percentile, report } from './lib.ts';

// Search latency over HTTP on the 1,000,000 customers import.bench.ts left behind: a mix of
// name fragments typed with Arabic or Persian letters, phone fragments in any digits, e-mails.
const { port, total, key, stop } = await startOnLargeWorkspace('search');

const toArabicLetters = (s: string) => s.replace(/ی/g, 'ي').replace(/ک/g, 'ك');
const toArabicDigits = (s: string) => s.replace(/\d/g, (d) => '٠١٢٣٤٥٦٧٨٩'[Number(d)]!);
const queries: string[] = [];
const ascii = (s: string) => s.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));
for (let i = 0; i < 400; i++) {
  let n = (i * 7919) % total;
  if (i % 6 === 4) while (!customerRow(n)[2]) n = (n + 1) % total; // e-mail queries need a row that has one
  const [name, phone, email] = customerRow(n);
  const phoneDigits = ascii(phone!).replace(/\D/g, '');
  switch (i % 6) {
    case 0: queries.push(toArabicLetters(name!)); break; // full name, other letter forms
    case 1: queries.push(name!.split(' ')[1]!.slice(0, 4)); break; // family-name prefix: many matches
    case 2: queries.push(toArabicDigits(ascii(phone!))); break; // whole phone as stored, Arabic-Indic digits
    case 3: queries.push(phoneDigits.slice(-7, -1)); break; // six digits from the middle of a phone
    case 4: queries.push(email!.split('@')[0]!); break; // e-mail local part
    default: queries.push(name!.split(' ')[0]!); break; // a common first name
  }
}

const headers = { authorization: `Bearer ${key}` };
for (const q of queries.slice(0, 30)) await fetch(`http://127.0.0.1:${port}/api/customers?q=${encodeURIComponent(q)}&limit=50`, { headers });
const latencies: number[] = [];
let empty = 0;
for (const q of queries) {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/api/customers?q=${encodeURIComponent(q)}&limit=50`, { headers });
  const body = (await res.json()) as { items: unknown[] };
  latencies.push(performance.now() - started);
  if (res.status !== 200) throw new Error(`search failed: ${res.status} ${JSON.stringify(body)}`);
  if (body.items.length === 0) empty++;
}
await stop();
latencies.sort((a, b) => a - b);
report('search', {
  customers: total,
  queries: queries.length,
  p50Ms: +percentile(latencies, 50).toFixed(1),
  p95Ms: +percentile(latencies, 95).toFixed(1),
  p99Ms: +percentile(latencies, 99).toFixed(1),
  maxMs: +latencies.at(-1)!.toFixed(1),
  queriesWithNoResult: empty,
  note: 'HTTP round trip, first page of 50, sequential',
});
