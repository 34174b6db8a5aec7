import type { Readable } from 'node:stream';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { csvStream, type CsvCell } from './csv-writer.ts';

export interface CsvQuery {
  text: string;
  values: unknown[];
}

/**
 * Rows fetched per round trip by the cursor: enough to keep the socket busy, little memory.
 * 1,000 kept enough rows alive across young-generation collections that V8 promoted them and
 * let the old generation grow: a 1,000,000-response export peaked at 325 MiB; at 250 it peaks
 * at 155–160 MiB in the same 19–20 s (bench/survey-export.bench.ts).
 */
const FETCH_SIZE = 250;

/**
 * Streams a query's result as CSV through a server-side cursor: rows are fetched a thousand at
 * a time as the reader takes the text, so a million-row table never sits in memory. `toLines`
 * turns one result row into one or more CSV lines. The connection is returned when the stream
 * ends, and dropped if the reader went away mid-way (its cursor state is not worth saving).
 */
export function queryCsvStream<Row>(pool: pg.Pool, query: CsvQuery, header: readonly string[], toLines: (row: Row) => CsvCell[][]): Readable {
  async function* lines(): AsyncGenerator<CsvCell[]> {
    const client = await pool.connect();
    let complete = false;
    try {
      const rows = client.query(new QueryStream(query.text, query.values, { batchSize: FETCH_SIZE, highWaterMark: FETCH_SIZE }));
      for await (const row of rows as AsyncIterable<Row>) yield* toLines(row);
      complete = true;
    } finally {
      client.release(complete ? undefined : true);
    }
  }
  return csvStream(header, lines());
}
