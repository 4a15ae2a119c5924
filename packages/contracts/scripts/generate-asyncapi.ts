// Writes packages/contracts/asyncapi.json, the published event catalogue. Run after changing an
// event schema and commit the result:  node packages/contracts/scripts/generate-asyncapi.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildAsyncApiDocument } from '../src/asyncapi.ts';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const outputPath = fileURLToPath(new URL('../asyncapi.json', import.meta.url));

writeFileSync(outputPath, `${JSON.stringify(buildAsyncApiDocument({ version: packageJson.version }), null, 2)}\n`);
console.log(outputPath);
