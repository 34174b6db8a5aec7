// The baseline for the ingest and survey benchmarks: bare Fastify routes doing one INSERT, nothing else
// (no auth, no validation, no idempotency, no aggregates).
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.BENCH_PG_URL, max: 20 });
await pool.query(`CREATE TABLE IF NOT EXISTS bench_bare_touchpoints (id bigserial PRIMARY KEY, external_id text, body jsonb, created_at timestamptz DEFAULT now())`);
await pool.query(`CREATE TABLE IF NOT EXISTS bench_bare_responses (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), token text, answers jsonb, created_at timestamptz DEFAULT now())`);
const app = Fastify();
// The survey benchmark's baseline: the same answer stored as one row, nothing checked.
app.post('/responses/:token', async (req, reply) => {
  const { rows } = await pool.query('INSERT INTO bench_bare_responses (token, answers) VALUES ($1, $2) RETURNING id', [(req.params as { token: string }).token, req.body]);
  return reply.code(201).send({ responseId: rows[0].id, status: 'complete' });
});
app.post('/touchpoints', async (req, reply) => {
  const body = req.body as { externalId?: string };
  const { rows } = await pool.query('INSERT INTO bench_bare_touchpoints (external_id, body) VALUES ($1, $2) RETURNING id', [body.externalId ?? null, body]);
  return reply.code(201).send({ id: rows[0].id });
});
const address = await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write(`bare server listening on ${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
