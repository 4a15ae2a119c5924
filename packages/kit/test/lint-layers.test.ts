import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';

// The layer rule of eslint.config.js (README "Layout"), shown on deliberate violations. The repository's
// own config is loaded; only the layer rule runs, without type information, so files that do not
// exist can be linted as text (the type-aware rules need a file the TypeScript project knows).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const eslint = new ESLint({
  cwd: root,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

/** The layer-rule messages for `code` as if it were the file at `file` (relative to the repository). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  const messages = result?.messages ?? [];
  // A parsing error or another rule's message would mean the probe proves nothing.
  expect(messages.filter((m) => m.ruleId !== 'no-restricted-imports')).toEqual([]);
  return messages.map((m) => m.message);
}

describe('the layer rule', () => {
  it('reports a domain file importing a store, a route, a consumer, a flow, a job or infrastructure', async () => {
    const file = 'services/billing/src/domain/probe.ts';
    for (const code of [
      `import { findBill } from '../store/pg-bill-store.ts';`,
      `import type { RouteDeps } from '../http/route-deps.ts';`,
      `import { billEvents } from '../events/bill-events.consumer.ts';`,
      `import { importBills } from '../flows/import-bills.flow.ts';`,
      `import { lateFeeRun } from '../jobs/late-fee.scheduler.ts';`,
      `import { loadConfig } from '../config.ts';`,
      `import type { Pool } from 'pg';`,
      `import Fastify from 'fastify';`,
      `import { withTransaction } from '@gateway/kit';`,
      `import type { Queryable } from '@gateway/kit';`,
      `export { findBill } from '../store/pg-bill-store.ts';`,
    ]) {
      expect({ code, errors: await layerErrors(file, code) }).toEqual({ code, errors: [expect.stringContaining('domain/')] });
    }
    expect(await layerErrors('services/billing/src/domain/sub/probe.ts', `import { findBill } from '../../store/pg-bill-store.ts';`)).toHaveLength(1);
  });

  it('allows the domain its own files, contracts and plain libraries', async () => {
    const code = [
      `import { addMinor } from './money.ts';`,
      `import { billStates } from '../domain/bill-state.ts';`,
      `import { ApiError, moneySchema } from '@gateway/contracts';`,
      `import { z } from 'zod';`,
      `import { createHash } from 'node:crypto';`,
    ].join('\n');
    expect(await layerErrors('services/billing/src/domain/probe.ts', code)).toEqual([]);
  });

  it('reports a store importing HTTP, a flow, a job, a consumer or ApiError', async () => {
    const file = 'services/payment-orchestration/src/store/pg-probe-store.ts';
    for (const code of [
      `import { requireClientKind } from '../http/auth.ts';`,
      `import { pay } from '../flows/pay-bill.flow.ts';`,
      `import { sweep } from '../jobs/x.sweeper.ts';`,
      `import { onResult } from '../events/channel-results.consumer.ts';`,
      `import type { FastifyRequest } from 'fastify';`,
      `import { ApiError } from '@gateway/contracts';`,
    ]) {
      expect({ code, errors: (await layerErrors(file, code)).length }).toEqual({ code, errors: 1 });
    }
    const allowed = [
      `import type { Queryable } from '@gateway/kit';`,
      `import { enqueueEvent, withTransaction } from '@gateway/kit';`,
      `import type { Pool, PoolClient } from 'pg';`,
      `import { errorCodes } from '@gateway/contracts';`,
      `import { billState } from '../domain/bill-state.ts';`,
      `import { serviceName } from '../service-name.ts';`,
    ].join('\n');
    expect(await layerErrors(file, allowed)).toEqual([]);
  });

  it('reports a flow importing a framework or a route', async () => {
    const file = 'services/notification/src/flows/send-message.flow.ts';
    for (const code of [
      `import type { FastifyInstance } from 'fastify';`,
      `import { ZodTypeProvider } from 'fastify-type-provider-zod';`,
      `import type { Producer } from 'kafkajs';`,
      `import type { Redis } from 'ioredis';`,
      `import smpp from 'smpp';`,
      `import { messagesRoute } from '../http/messages.route.ts';`,
    ]) {
      expect({ code, errors: (await layerErrors(file, code)).length }).toEqual({ code, errors: 1 });
    }
    const allowed = [
      `import type { Pool } from 'pg';`,
      `import { enqueueEvent, withTransaction } from '@gateway/kit';`,
      `import { ApiError } from '@gateway/contracts';`,
      `import { insertMessage } from '../store/pg-message-store.ts';`,
      `import { renderTemplate } from '../domain/templates.ts';`,
      `import { topics } from '../events/topics.ts';`,
    ].join('\n');
    expect(await layerErrors(file, allowed)).toEqual([]);
  });

  it('leaves routes and the composition root free to import what they wire', async () => {
    const code = [
      `import type { FastifyInstance } from 'fastify';`,
      `import { findBill } from '../store/pg-bill-store.ts';`,
      `import { importBills } from '../flows/import-bills.flow.ts';`,
    ].join('\n');
    expect(await layerErrors('services/billing/src/http/probe.route.ts', code)).toEqual([]);
  });
});
