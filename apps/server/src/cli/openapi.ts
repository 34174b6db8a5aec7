import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildVafa } from '../app.ts';
import { loadConfig } from '../platform/config.ts';

/**
 * The OpenAPI document of this build, read from the app itself: an API-only process on a
 * throwaway embedded database, never listening. The environment is not read, so the document
 * does not depend on who generates it (nor does a DATABASE_URL in it get migrated).
 */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vafa-openapi-'));
  try {
    const config = loadConfig({ VAFA_ROLE: 'api', VAFA_DATA_DIR: dataDir, VAFA_DEMO: 'false', PORT: '3000', LOG_LEVEL: 'silent' });
    const vafa = await buildVafa(config, pino({ level: 'silent' }));
    try {
      const response = await vafa.http!.inject({ method: 'GET', url: '/api/openapi.json' });
      if (response.statusCode !== 200) throw new Error(`GET /api/openapi.json answered ${response.statusCode}`);
      return response.json();
    } finally {
      await vafa.stop();
    }
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
