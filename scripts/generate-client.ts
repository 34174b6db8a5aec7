// `npm run generate:client`: writes the OpenAPI document of this build (read from the app
// in-process, never listening) and the client types generated from it into packages/client.
import fs from 'node:fs/promises';
import { buildOpenApiDocument } from '../apps/server/src/cli/openapi.ts';
import { DOCUMENT_FILE, SCHEMA_FILE, renderDocument, renderSchemaTypes } from '../packages/client/codegen.ts';

// Always a throwaway embedded database: generating a client must never migrate a real one.
const document = await buildOpenApiDocument();
await fs.writeFile(DOCUMENT_FILE, renderDocument(document));
await fs.writeFile(SCHEMA_FILE, await renderSchemaTypes(document));
process.stdout.write(`wrote ${DOCUMENT_FILE.pathname} and ${SCHEMA_FILE.pathname}\n`);
