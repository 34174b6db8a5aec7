import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';

/** The file as a whole cannot be read as CSV (binary, not UTF-8, broken quoting, empty). */
export class CsvFileError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CsvFileError';
  }
}

/** Enough of a file to judge it and to hold any sane header line. */
const HEAD_BYTES = 64 * 1024;
/** One record larger than this is a broken quote swallowing the file, not data. */
const MAX_RECORD_CHARS = 1024 * 1024;
const DELIMITERS = [',', ';', '\t'] as const;

/**
 * Judges the first bytes of an upload: refuses binary files and text that is not UTF-8 (Excel's
 * "CSV UTF-8" is what we read), and guesses the delimiter from the header line — Excel writes
 * `;` in locales where `,` is the decimal separator.
 */
export function sniffCsv(head: Buffer, wholeFile: boolean): { delimiter: string } {
  let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (start < head.length && (head[start] === 0x20 || head[start] === 0x0a || head[start] === 0x0d || head[start] === 0x09)) start++;
  if (start >= head.length) throw new CsvFileError('the file is empty');
  let control = 0;
  for (let i = start; i < head.length; i++) {
    const byte = head[i]!;
    if (byte === 0) throw new CsvFileError('this is a binary file, not CSV text');
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) control++;
  }
  if (control > head.length / 100) throw new CsvFileError('this is a binary file, not CSV text');
  let text: string;
  try {
    // A head cut inside a multi-byte character is fine; stream mode leaves that tail pending.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(start), { stream: !wholeFile });
  } catch {
    throw new CsvFileError('the file is not UTF-8 text; save it as "CSV UTF-8"');
  }
  return { delimiter: guessDelimiter(text) };
}

function guessDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best: string = ',';
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

export interface CsvRecords {
  /** the header row, cells trimmed */
  header: string[];
  delimiter: string;
  /**
   * The data records parsed so far and not yet taken, in file order (blank lines skipped);
   * waits when there are none yet, null at the end. Taking records in runs instead of one
   * promise per record keeps the per-row cost down on million-row files.
   */
  nextRecords(): Promise<string[][] | null>;
  /** bytes taken from the source so far */
  bytesRead(): number;
  /** stops reading and releases the source */
  close(): void;
}

async function readHead(chunks: AsyncIterator<Buffer | string>): Promise<{ head: Buffer; ended: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  while (size < HEAD_BYTES) {
    const next = await chunks.next();
    if (next.done) return { head: Buffer.concat(parts), ended: true };
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    parts.push(chunk);
    size += chunk.length;
  }
  return { head: Buffer.concat(parts), ended: false };
}

function asFileError(err: unknown): Error {
  if (err instanceof CsvError) {
    const line = (err as CsvError & { lines?: number }).lines;
    return new CsvFileError(line ? `line ${line}: ${err.message}` : err.message);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Streams CSV records from `source` with backpressure: the parser pulls bytes only as fast as
 * the caller takes records, so memory stays flat whatever the file size.
 */
export async function openCsv(source: Readable): Promise<CsvRecords> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let head: Buffer;
  let ended: boolean;
  let delimiter: string;
  try {
    ({ head, ended } = await readHead(chunks));
    ({ delimiter } = sniffCsv(head, ended));
  } catch (err) {
    source.destroy();
    throw err;
  }
  let bytes = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    bytes += head.length;
    yield head;
    if (ended) return;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      bytes += chunk.length;
      yield chunk;
    }
  }
  const input = Readable.from(counted(), { objectMode: false });
  const parser = parse({
    bom: true,
    delimiter,
    // A stray quote inside an unquoted cell (5" screen) is data, not a syntax error.
    relax_quotes: true,
    // Rows with too few or too many cells are judged per row by the importer.
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARS,
  });
  let finished = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const signal = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  parser.on('readable', signal);
  parser.on('end', () => {
    finished = true;
    signal();
  });
  parser.on('error', (err) => {
    failure ??= asFileError(err);
    signal();
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  const close = () => {
    input.destroy();
    parser.destroy();
    source.destroy();
  };

  async function nextRecords(): Promise<string[][] | null> {
    for (;;) {
      if (failure) throw failure;
      const taken: string[][] = [];
      let record: string[] | null;
      while ((record = parser.read() as string[] | null) !== null) taken.push(record);
      if (taken.length > 0) return taken;
      if (finished) return null;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }

  let firstRun: string[][] | null;
  try {
    firstRun = await nextRecords();
  } catch (err) {
    close();
    throw err;
  }
  const header = firstRun?.shift();
  if (!header) {
    close();
    throw new CsvFileError('the file is empty');
  }
  let pending: string[][] | null = firstRun!.length > 0 ? firstRun : null;
  return {
    header: header.map((cell) => cell.trim()),
    delimiter,
    nextRecords: async () => {
      if (pending) {
        const run = pending;
        pending = null;
        return run;
      }
      return nextRecords();
    },
    bytesRead: () => bytes,
    close,
  };
}
