// Hostile input for every public route of a service (issue 10, "Done when"): payload generators and a
// runner the services' test/hostile-input.test.ts files share. Each service names, for every route of
// its app, a valid request (so every case differs from an accepted one in one way only, and reaches
// validation through the real signature check); the generators derive the malformed variants: wrong
// types, huge numbers, empty and oversized strings, control characters, invalid UTF-8, duplicated
// keys, deep nesting, unknown fields and wrong content types, in the body, the path and the query.
// The routes come from the app itself (onRoute), so a new route without hostile cases fails the suite.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorCodes, httpStatusOf, isErrorCode } from '@gateway/contracts';
import { signRequest } from '@gateway/kit';
import type { ClientsFile } from '@gateway/kit';

export type HttpMethod = 'GET' | 'POST';

/** One valid request for a route: what the hostile cases are derived from. */
export interface HostileRouteSpec {
  method: HttpMethod;
  /** The route's pattern as registered, e.g. `/v1/payments/:paymentId`. */
  url: string;
  /** A valid value for each path parameter. */
  params?: Record<string, string>;
  /** A valid query (may be empty); each key is also made hostile. */
  query?: Record<string, string>;
  /** A valid body, made anew for every case (fresh ids, so no case is a replay of another). */
  body?: () => unknown;
  /** The client kind that may call the route (its key signs every case). */
  as: string;
  /** False for a POST that takes no Idempotency-Key (naturally idempotent): its header is not input. */
  idempotencyKey?: false;
  /** Leaf paths (`text.en`) that accept null: null there is not a hostile value. */
  nullable?: readonly string[];
  /**
   * For a route that answers per row (billing's batch import): leaf paths under this array make the
   * row rejected, not the request, so a 2xx is correct there as long as `rowsRejected(reply)` holds.
   */
  rows?: { path: string; rowsRejected: (body: unknown) => boolean };
  /** Bodies hostile in a way only this route knows (a paidAt in 2099, a bill of 20,000 lines). */
  extraBodies?: () => [name: string, body: unknown][];
}

export interface HostileCase {
  route: string;
  name: string;
  method: HttpMethod;
  /** Path and query, already encoded (raw bytes such as %FF on purpose). */
  path: string;
  body?: Buffer;
  contentType?: string;
  /** Headers sent instead of the defaults (a fresh Idempotency-Key on a POST). */
  headers?: Record<string, string>;
  /** When set, a 2xx is acceptable if this holds for its body (a batch whose rows were all rejected). */
  acceptIf?: (body: unknown) => boolean;
}

// ---- generators

const huge = 'x'.repeat(100_000);

/** Strings no field should accept: empty, oversized, control characters, unpaired surrogates. */
export const hostileStrings: readonly [string, string][] = [
  ['empty string', ''],
  ['oversized string (100,000 characters)', huge],
  ['NUL byte', 'a\u0000b'],
  ['control character (ESC sequence)', '\u001b[2J'],
  ['control character (backspace)', 'ab\u0008c'],
  ['DEL', 'a\u007f'],
  ['C1 control (NEL)', 'a\u0085b'],
  ['unpaired high surrogate', 'a\ud800b'],
  ['unpaired low surrogate', 'a\udc00b'],
];

/** Raw JSON number texts beyond what an amount or a count may be. */
export const hostileNumbers: readonly [string, string][] = [
  ['2^53 + 1', '9007199254740993'],
  ['1e308', '1e308'],
  ['-1e308', '-1e308'],
  ['1e400 (Infinity)', '1e400'],
  ['a fraction', '1.5'],
  ['negative', '-1'],
  ['a huge integer literal', '9'.repeat(400)],
];

/** Path or query values, URL-encoded as sent: the raw bytes %FF and %ED%A0%80 are not UTF-8. */
export const hostileUrlValues: readonly [string, string][] = [
  ['empty', ''],
  ['oversized (10,000 characters)', 'x'.repeat(10_000)],
  ['NUL byte', 'a%00b'],
  ['control character', '%1B%5B2J'],
  ['DEL', 'a%7F'],
  ['C1 control', 'a%C2%85b'],
  ['invalid UTF-8 byte', 'a%FFb'],
  ['encoded surrogate (invalid UTF-8)', 'a%ED%A0%80b'],
  ['truncated escape', 'a%E0%A4%A'],
  ['huge number', '1e308'],
  ['2^53 + 1', '9007199254740993'],
];

const wrongTypes: Record<string, readonly [string, string][]> = {
  string: [['a number instead of a string', '123'], ['a boolean instead of a string', 'true'], ['null instead of a string', 'null'], ['an object instead of a string', '{}'], ['an array instead of a string', '["x"]']],
  number: [['a string instead of a number', '"1"'], ['a boolean instead of a number', 'true'], ['null instead of a number', 'null'], ['an array instead of a number', '[1]']],
  boolean: [['a string instead of a boolean', '"true"'], ['a number instead of a boolean', '1'], ['null instead of a boolean', 'null']],
  object: [['a string instead of an object', '"x"'], ['a number instead of an object', '1'], ['an array instead of an object', '[]'], ['null instead of an object', 'null']],
  array: [['a string instead of an array', '"x"'], ['an object instead of an array', '{}'], ['null instead of an array', 'null'], ['an empty array', '[]']],
};

function kindOf(value: unknown): 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'string' | 'number' | 'boolean' | 'object';
}

/** Every value's path in `value` (objects and arrays too, not only leaves), depth first. */
function pathsOf(value: unknown, path: string[] = []): { path: string[]; value: unknown }[] {
  const here = path.length > 0 ? [{ path, value }] : [];
  if (typeof value !== 'object' || value === null) return here;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [...here, ...entries.flatMap(([k, v]) => pathsOf(v, [...path, k]))];
}

const marker = '\u0000@@HOSTILE@@\u0000';

/** `body` serialised with the value at `path` replaced by the raw JSON text `raw` (any bytes). */
function withRaw(body: unknown, path: readonly string[], raw: string): string {
  const copy = structuredClone(body) as Record<string, unknown>;
  let parent: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  parent[path[path.length - 1]!] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), raw);
}

function fillPath(url: string, params: Record<string, string>): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

function queryString(query: Record<string, string>, raw: Record<string, string> = {}): string {
  const parts = [...Object.entries(query).filter(([k]) => !(k in raw)).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`), ...Object.entries(raw).map(([k, v]) => `${k}=${v}`)];
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** Every hostile case for one route. */
export function hostileCases(spec: HostileRouteSpec): HostileCase[] {
  const route = `${spec.method} ${spec.url}`;
  const params = spec.params ?? {};
  const query = spec.query ?? {};
  const validPath = () => fillPath(spec.url, params) + queryString(query);
  const cases: HostileCase[] = [];
  const add = (c: Omit<HostileCase, 'route' | 'method'>) => cases.push({ route, method: spec.method, ...c });
  const validBody = () => (spec.body ? Buffer.from(JSON.stringify(spec.body())) : undefined);
  const json = 'application/json';

  // Path parameters.
  for (const name of Object.keys(params)) {
    for (const [what, value] of hostileUrlValues) {
      const path = spec.url.replace(/:([A-Za-z0-9_]+)/g, (_, p: string) => (p === name ? value : encodeURIComponent(params[p] ?? ''))) + queryString(query);
      add({ name: `path ${name}: ${what}`, path, ...(spec.body ? { body: validBody()!, contentType: json } : {}) });
    }
  }
  // Query parameters: each one hostile, repeated, and one the route does not know.
  for (const name of Object.keys(query)) {
    for (const [what, value] of hostileUrlValues) {
      add({ name: `query ${name}: ${what}`, path: fillPath(spec.url, params) + queryString(query, { [encodeURIComponent(name)]: value }), ...(spec.body ? { body: validBody()!, contentType: json } : {}) });
    }
    add({ name: `query ${name}: repeated`, path: `${validPath()}&${encodeURIComponent(name)}=${encodeURIComponent(query[name]!)}`, ...(spec.body ? { body: validBody()!, contentType: json } : {}) });
  }
  add({ name: 'query: unknown parameter', path: fillPath(spec.url, params) + queryString(query, { unknownParameter: '1' }), ...(spec.body ? { body: validBody()!, contentType: json } : {}) });
  add({ name: 'query: NUL in an unknown parameter name', path: fillPath(spec.url, params) + queryString(query, { 'a%00b': '1' }), ...(spec.body ? { body: validBody()!, contentType: json } : {}) });

  const path = validPath();
  if (spec.body === undefined) {
    // A POST that takes no body must not take one either.
    if (spec.method === 'POST') {
      add({ name: 'body on a route that takes none: unknown field', path, body: Buffer.from('{"unknownField":1}'), contentType: 'application/json' });
      add({ name: 'body on a route that takes none: 10,000 levels', path, body: Buffer.from(`${'['.repeat(10_000)}${']'.repeat(10_000)}`), contentType: 'application/json' });
      add({ name: 'body on a route that takes none: text/plain', path, body: Buffer.from('x'), contentType: 'text/plain' });
    }
    return cases;
  }

  // The Idempotency-Key every state-changing POST requires: 1–255 visible ASCII characters.
  for (const [what, key] of spec.idempotencyKey === false ? [] : ([
    ['empty', ''],
    ['oversized (256 characters)', 'k'.repeat(256)],
    ['with a space', 'key 1'],
    ['with a tab', 'key\t1'],
    ['Latin-1 byte', 'key-\u00e9'],
  ] as const)) {
    add({ name: `header Idempotency-Key: ${what}`, path, body: validBody()!, contentType: json, headers: { 'idempotency-key': key } });
  }

  // The body as a whole.
  const sample = spec.body();
  for (const [what, contentType] of [
    ['text/plain', 'text/plain'],
    ['form encoding', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['XML', 'application/xml'],
    ['a made-up type', 'application/x-hostile'],
    ['JSON in UTF-16', 'application/json; charset=utf-16'],
  ] as const) {
    add({ name: `content type: ${what}`, path, body: validBody()!, contentType });
  }
  add({ name: 'content type: none', path, body: validBody()! });
  for (const [what, raw] of [
    ['not JSON', '{"a":'],
    ['empty', ''],
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"x"'],
    ['a number', '1e308'],
    ['trailing garbage', `${JSON.stringify(sample)} x`],
    ['10,000 levels of arrays', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['10,000 levels of objects', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`],
  ] as const) {
    add({ name: `body: ${what}`, path, body: Buffer.from(raw), contentType: json });
  }
  if (kindOf(sample) === 'object') {
    const fresh = () => spec.body!() as Record<string, unknown>;
    add({ name: 'body: unknown field', path, body: Buffer.from(JSON.stringify({ ...fresh(), unknownField: 1 })), contentType: json });
    add({ name: 'body: 10,000 levels nested in an unknown field', path, body: Buffer.from(`${JSON.stringify(fresh()).slice(0, -1)},"deep":${'['.repeat(10_000)}${']'.repeat(10_000)}}`), contentType: json });
    add({ name: 'body: __proto__ field', path, body: Buffer.from(`${JSON.stringify(fresh()).slice(0, -1)},"__proto__":{"polluted":true}}`), contentType: json });
    const first = Object.keys(sample as object)[0];
    if (first !== undefined) {
      const body = fresh();
      add({ name: `body: duplicated key "${first}" (same value)`, path, body: Buffer.from(`${JSON.stringify(body).slice(0, -1)},${JSON.stringify(first)}:${JSON.stringify(body[first])}}`), contentType: json });
    }
    const text = JSON.stringify(fresh());
    const quote = text.indexOf('":"');
    if (quote >= 0) {
      const at = quote + 3;
      for (const [what, bytes] of [
        ['byte 0xFF', [0xff]],
        ['lone continuation byte', [0x80]],
        ['encoded surrogate', [0xed, 0xa0, 0x80]],
        ['overlong encoding', [0xc0, 0xaf]],
      ] as const) {
        add({ name: `body: invalid UTF-8 (${what}) in a string`, path, body: Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at))]), contentType: json });
      }
    }
  }

  for (const [name, body] of spec.extraBodies?.() ?? []) {
    add({ name: `body: ${name}`, path, body: Buffer.from(JSON.stringify(body)), contentType: json, ...(spec.rows ? { acceptIf: spec.rows.rowsRejected } : {}) });
  }

  // Every value in the body, one at a time.
  const rowPrefix = spec.rows?.path;
  for (const { path: at, value } of pathsOf(sample)) {
    const dotted = at.join('.');
    const acceptIf = rowPrefix !== undefined && dotted.startsWith(`${rowPrefix}.`) ? spec.rows!.rowsRejected : undefined;
    const kind = kindOf(value);
    const raws: [string, string][] = [...(wrongTypes[kind] ?? [])];
    if (kind === 'string') raws.push(...hostileStrings.map(([what, s]): [string, string] => [what, JSON.stringify(s)]));
    if (kind === 'number') raws.push(...hostileNumbers);
    for (const [what, raw] of raws) {
      if (raw === 'null' && spec.nullable?.includes(dotted)) continue;
      add({ name: `body ${dotted}: ${what}`, path, body: Buffer.from(withRaw(spec.body(), at, raw)), contentType: json, ...(acceptIf ? { acceptIf } : {}) });
    }
    if (kind === 'object') {
      add({ name: `body ${dotted}: unknown field`, path, body: Buffer.from(withRaw(spec.body(), at, JSON.stringify({ ...(value as object), unknownField: 1 }))), contentType: json, ...(acceptIf ? { acceptIf } : {}) });
    }
  }
  return cases;
}

// ---- routes of an app

export interface RouteCollector {
  /** Every route registered after `collectRoutes` was called, as `METHOD /url`, HEAD left out. */
  routes(): string[];
}

/** Call before `app.ready()`: records every route the app registers (fastify's onRoute). */
export function collectRoutes(app: { addHook(name: 'onRoute', hook: (route: { method: string | string[]; url: string }) => void): unknown }): RouteCollector {
  const seen = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') seen.add(`${method} ${route.url}`);
  });
  return { routes: () => [...seen].sort() };
}

/** The public API routes (under /v1/) of `collector`: those the hostile suite must cover. */
export function apiRoutes(collector: RouteCollector): string[] {
  return collector.routes().filter((r) => r.split(' ')[1]!.startsWith('/v1/'));
}

// ---- sending

export interface SignedClients {
  clients: ClientsFile;
  /** The first key of the client of `kind`. */
  keyOf(kind: string): { keyId: string; secret: string };
}

/** One client per kind, with ids and keys unique to this run (nonces never collide across runs). */
export function hostileClients(kinds: readonly { kind: string; channelId?: string }[]): SignedClients {
  const run = randomUUID().slice(0, 8);
  const clients: ClientsFile = kinds.map(({ kind, channelId }) => ({
    clientId: `hostile-${kind}-${run}`,
    kind: kind as ClientsFile[number]['kind'],
    ...(channelId !== undefined ? { channelId } : {}),
    keys: [{ keyId: `hostile-${kind}-${run}`, secret: randomBytes(32).toString('base64') }],
  }));
  return {
    clients,
    keyOf(kind) {
      const key = clients.find((c) => c.kind === kind)?.keys[0];
      if (key === undefined) throw new Error(`no client of kind ${kind}`);
      return key;
    },
  };
}

export interface HostileReply {
  status: number;
  body: unknown;
}

interface Injectable {
  inject(options: { method: HttpMethod; url: string; headers: Record<string, string>; payload?: Buffer }): Promise<{ statusCode: number; payload: string }>;
}

/** Sends a case to `app` through inject, signed by the key, with a fresh Idempotency-Key on a POST. */
export async function sendSigned(app: Injectable, c: HostileCase, key: { keyId: string; secret: string }, host: string): Promise<HostileReply> {
  const headers: Record<string, string> = { host };
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  if (c.method === 'POST') headers['idempotency-key'] = `hostile-${randomUUID()}`;
  Object.assign(headers, c.headers);
  Object.assign(headers, await signRequest({ method: c.method, url: `http://${host}${c.path}`, ...(c.body !== undefined ? { body: c.body } : {}), keyId: key.keyId, secret: key.secret }));
  const res = await app.inject({ method: c.method, url: c.path, headers, ...(c.body !== undefined ? { payload: c.body } : {}) });
  let body: unknown;
  try {
    body = JSON.parse(res.payload);
  } catch {
    body = res.payload;
  }
  return { status: res.statusCode, body };
}

/** Why a reply to a hostile case is wrong, or undefined when it is a 4xx with a docs/api.md code. */
export function wrongAnswer(c: HostileCase, reply: HostileReply): string | undefined {
  if (reply.status >= 200 && reply.status < 300 && c.acceptIf?.(reply.body)) return undefined;
  if (reply.status < 400 || reply.status >= 500) return `status ${reply.status}: ${JSON.stringify(reply.body).slice(0, 300)}`;
  // Every case is signed by a client the route accepts: a 401 or 403 means it never reached validation.
  if (reply.status === 401 || reply.status === 403) return `status ${reply.status}: the case did not reach validation (${JSON.stringify(reply.body).slice(0, 200)})`;
  const code = (reply.body as { error?: { code?: unknown } } | null)?.error?.code;
  if (!isErrorCode(code)) return `status ${reply.status} without a docs/api.md error code (${JSON.stringify(reply.body).slice(0, 200)}); codes: ${errorCodes.join(', ')}`;
  if (httpStatusOf(code) !== reply.status) return `code ${code} with status ${reply.status}, docs/api.md says ${httpStatusOf(code)}`;
  return undefined;
}

/** Runs every case; resolves with the wrong answers as `route · case: why` (empty when all are right). */
export async function runHostileCases(cases: readonly HostileCase[], send: (c: HostileCase) => Promise<HostileReply>): Promise<string[]> {
  const wrong: string[] = [];
  for (const c of cases) {
    let reply: HostileReply;
    try {
      reply = await send(c);
    } catch (error) {
      wrong.push(`${c.route} · ${c.name}: threw ${String(error)}`);
      continue;
    }
    const why = wrongAnswer(c, reply);
    if (why !== undefined) wrong.push(`${c.route} · ${c.name}: ${why}`);
  }
  return wrong;
}

// ---- the suite every service runs

export interface HostileTarget {
  /** The service's app from its buildApp, not yet ready (its routes are collected first). */
  app: Injectable & Parameters<typeof collectRoutes>[0] & { ready(): PromiseLike<unknown>; close(): PromiseLike<unknown> };
  /** The service's database: the tables named must not change. */
  pool: { query<R extends object>(sql: string): Promise<{ rows: R[] }> };
  /** A valid request for every route (some need fixtures the target made). */
  specs: readonly HostileRouteSpec[];
  /** Everything start() opened besides the app. */
  close(): Promise<void>;
}

export interface HostileSuiteOptions {
  /** The Host the cases are signed for (the service's own address). */
  host: string;
  /** Tables (or `table WHERE …`) whose row counts no hostile case may change. */
  tables: readonly string[];
  signers: SignedClients;
  /** Fewer cases than this means a generator stopped producing them. */
  minCases: number;
  start(): Promise<HostileTarget>;
}

/** Sends every hostile case to every /v1/ route of a service's app; each must be a 4xx with a catalogue code, and nothing may be recorded. */
export function describeHostileInput(name: string, options: HostileSuiteOptions): void {
  describe(`${name}: hostile input to every public route`, () => {
    let target: HostileTarget;
    let collector: RouteCollector;

    beforeAll(async () => {
      target = await options.start();
      collector = collectRoutes(target.app);
      await target.app.ready();
    });

    afterAll(async () => {
      await target?.app.close();
      await target?.close();
    });

    async function counts(): Promise<Record<string, number>> {
      const result: Record<string, number> = {};
      for (const table of options.tables) result[table] = (await target.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
      return result;
    }

    it('has hostile cases for every route the app serves', () => {
      expect(apiRoutes(collector)).toEqual(target.specs.map((s) => `${s.method} ${s.url}`).sort());
    });

    it('answers every hostile case with a 4xx and a docs/api.md code, and records nothing', async () => {
      const before = await counts();
      const wrong: string[] = [];
      let total = 0;
      for (const spec of target.specs) {
        const cases = hostileCases(spec);
        total += cases.length;
        wrong.push(...(await runHostileCases(cases, (c) => sendSigned(target.app, c, options.signers.keyOf(spec.as), options.host))));
      }
      expect(wrong).toEqual([]);
      expect(total).toBeGreaterThan(options.minCases);
      expect(await counts()).toEqual(before);
    }, 180_000);
  });
}
