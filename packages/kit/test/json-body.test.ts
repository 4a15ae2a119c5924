// Fastify plugins and handlers are async by contract even where a body has nothing to await.
/* eslint-disable @typescript-eslint/require-await */
// The JSON bodies every service refuses although JSON.parse would take them (issue 10, item 8):
// invalid UTF-8, duplicated keys, and nesting deep enough to exhaust the stack of code that walks it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pino } from 'pino';
import { z } from 'zod';
import { createHttpServer } from '../src/http/index.ts';
import type { HttpServer } from '../src/http/index.ts';
import { jsonStructureProblem, maxJsonDepth } from '../src/http/json-body.ts';

// Walks the body recursively, as validation, text checks or JSON.stringify do.
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post('/v1/echo', { schema: { body: z.object({ amount: z.number() }).catchall(z.unknown()) } }, async (request) => ({ depth: depthOf(request.body), body: request.body }));
};

describe('JSON request bodies', () => {
  let app: HttpServer;
  beforeAll(async () => {
    app = createHttpServer({ service: 'json-body-test', version: '0', logger: pino({ level: 'silent' }), routes: [routes] });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (payload: string | Buffer, contentType = 'application/json') =>
    app.inject({ method: 'POST', url: '/v1/echo', headers: { 'content-type': contentType }, payload });

  it('parses an ordinary body, non-ASCII text and escapes included', async () => {
    const res = await post('{"amount": 1, "name": "رامي \\u0041", "nested": {"amount": 2}, "list": [{"a": 1}, {"a": 2}]}');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ body: { amount: 1, name: 'رامي A' } });
  });

  it.each([
    ['a duplicated key', '{"amount": 1, "amount": 100}', /duplicate key "amount"/],
    ['a duplicated key spelt with an escape', '{"amount": 1, "\\u0061mount": 100}', /duplicate key "amount"/],
    ['a duplicated key in a nested object', '{"amount": 1, "x": {"a": 1, "b": 2, "a": 3}}', /duplicate key "a"/],
    ['10,000 levels of arrays', `{"amount": 1, "x": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`, new RegExp(`nested deeper than ${maxJsonDepth} levels`)],
    ['10,000 levels of objects', `{"amount": 1, "x": ${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`, new RegExp(`nested deeper than ${maxJsonDepth} levels`)],
  ])('refuses %s with 400 invalid_request', async (_what, payload, message) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_request', message: expect.stringMatching(message) } });
  });

  it.each([
    ['a lone continuation byte', Buffer.from([0x7b, 0x22, 0x61, 0x6d, 0x6f, 0x75, 0x6e, 0x74, 0x22, 0x3a, 0x31, 0x2c, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0x80, 0x22, 0x7d])],
    ['an encoded surrogate (CESU-8)', Buffer.concat([Buffer.from('{"amount":1,"n":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')])],
    ['an overlong encoding', Buffer.concat([Buffer.from('{"amount":1,"n":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])],
  ])('refuses invalid UTF-8 (%s) with 400 invalid_request instead of storing U+FFFD', async (_what, payload) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_request', message: 'The request body is not valid UTF-8.' } });
  });

  it('still refuses what JSON.parse refuses, and __proto__', async () => {
    for (const payload of ['{"amount": 1,}', '{"amount": 1', "{'amount': 1}", '{"amount": 1} x', '', '{"amount": 1, "__proto__": {"x": 1}}']) {
      const res = await post(payload);
      expect([payload, res.statusCode, res.json<{ error: { code: string } }>().error.code]).toEqual([payload, 400, 'invalid_request']);
    }
  });

  it('finds problems without recursion, and leaves strings that look like structure alone', () => {
    expect(jsonStructureProblem('{"a": "{[{[", "b": "\\"a\\": 1", "c": ["a", "a"]}')).toBeUndefined();
    expect(jsonStructureProblem(`${'['.repeat(1_000_000)}`)).toBe(`nested deeper than ${maxJsonDepth} levels`);
    expect(jsonStructureProblem('[{"a": 1}, {"a": 2}]')).toBeUndefined();
  });
});
