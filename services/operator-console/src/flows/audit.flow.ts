// The Audit screen (admin): the four services' audit logs (kit's GET /v1/audit-log) and the console's
// own security events (store/redis-console-audit-store.ts), merged newest first. Each source pages
// on its own keyset; the console's cursor carries every source's position, so a page never repeats
// or skips a row of a source that answered. A service that does not answer is listed unavailable and
// keeps its position; the others' rows are still shown.
import { ApiError } from '@gateway/contracts';
import type { AuditRowView } from '@gateway/kit';
import { z } from 'zod';
import type { ServiceClient } from '../clients/service-client.ts';
import { hasRole } from '../domain/operators.ts';
import type { Operator } from '../domain/operators.ts';
import type { ConsoleAuditStore } from '../store/redis-console-audit-store.ts';
import { streamIdPattern } from '../store/redis-console-audit-store.ts';

/** The console's own events' source name, beside the services'. */
export const consoleSource = 'operator-console';

export type AuditSources = { services: Record<string, ServiceClient>; console: ConsoleAuditStore };
export type AuditQuery = { service?: string | undefined; actor?: string | undefined; action?: string | undefined; limit: number; cursor?: string | undefined };
export type MergedAuditEntry = AuditRowView & { service: string };
export type AuditSourceState = { service: string; available: boolean; error?: string };
export type MergedAuditPage = { entries: MergedAuditEntry[]; sources: AuditSourceState[]; nextCursor: string | null };

type Page = { entries: AuditRowView[]; nextCursor: string | null };

// Per source: the last id shown (the next page starts below it), or false once it has no more rows.
const positionsSchema = z.record(z.string(), z.union([z.string().max(40), z.literal(false)]));
type Positions = z.infer<typeof positionsSchema>;

function decodeCursor(cursor: string | undefined, names: readonly string[]): Positions {
  if (cursor === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const positions = positionsSchema.safeParse(parsed);
  const valid =
    positions.success &&
    Object.entries(positions.data).every(
      ([name, at]) => names.includes(name) && (at === false || (name === consoleSource ? streamIdPattern.test(at) : /^[1-9][0-9]{0,17}$/.test(at))),
    );
  if (!valid || !positions.success) throw new ApiError('invalid_request', "Invalid request: query.cursor: must be a previous page's nextCursor");
  return positions.data;
}

const encodeCursor = (positions: Positions): string => Buffer.from(JSON.stringify(positions)).toString('base64url');

export async function listMergedAudit(sources: AuditSources, operator: Operator, query: AuditQuery): Promise<MergedAuditPage> {
  if (!hasRole(operator.role, 'admin')) throw new ApiError('forbidden', 'The audit log is for the admin role.');
  const all = [...Object.keys(sources.services), consoleSource];
  if (query.service !== undefined && !all.includes(query.service)) {
    throw new ApiError('invalid_request', `Invalid request: query.service: must be one of ${all.join(', ')}`);
  }
  const names = query.service === undefined ? all : [query.service];
  const positions = decodeCursor(query.cursor, all);
  const filters = { limit: query.limit, actor: query.actor, action: query.action };

  const fetched = await Promise.all(
    names
      .filter((name) => positions[name] !== false)
      .map(async (name): Promise<{ name: string; page?: Page; error?: string }> => {
        const before = positions[name] || undefined;
        try {
          if (name === consoleSource) return { name, page: await sources.console.list({ ...filters, beforeId: before }) };
          const params = new URLSearchParams({ limit: String(query.limit) });
          if (before !== undefined) params.set('cursor', before);
          if (query.actor !== undefined) params.set('actor', query.actor);
          if (query.action !== undefined) params.set('action', query.action);
          return { name, page: await sources.services[name]!.call<Page>('GET', `/v1/audit-log?${params.toString()}`, { person: operator.username }) };
        } catch (error) {
          // A bad filter is the admin's to correct, whichever source said so; anything else is that source being down.
          if (error instanceof ApiError && error.code === 'invalid_request') throw error;
          return { name, error: error instanceof Error ? error.message : String(error) };
        }
      }),
  );

  // A k-way merge on each source's head, not a sort: a source's rows stay in its own (id) order, so
  // what a page shows of a source is always a prefix of what it answered and its position is exact.
  const queues = fetched.map(({ name, page }) => (page?.entries ?? []).map((e) => ({ ...e, service: name })));
  const entries: MergedAuditEntry[] = [];
  while (entries.length < query.limit) {
    let newest: MergedAuditEntry[] | undefined;
    for (const queue of queues) if (queue.length > 0 && (newest === undefined || queue[0]!.at > newest[0]!.at)) newest = queue;
    if (newest === undefined) break;
    entries.push(newest.shift()!);
  }

  const next: Positions = { ...positions };
  for (const { name, page } of fetched) {
    if (page === undefined) continue; // unavailable: keeps its position, asked again next page
    const shown = entries.filter((e) => e.service === name);
    const last = shown[shown.length - 1];
    if (shown.length < page.entries.length) {
      if (last !== undefined) next[name] = last.id;
    } else {
      next[name] = page.nextCursor === null ? false : (last?.id ?? positions[name] ?? false);
    }
  }
  const more = names.some((name) => next[name] !== false && fetched.some((f) => f.name === name && f.page !== undefined));
  return {
    entries,
    sources: names.map((name) => {
      const asked = fetched.find((f) => f.name === name);
      return asked !== undefined && asked.page === undefined ? { service: name, available: false, error: asked.error ?? 'unavailable' } : { service: name, available: true };
    }),
    nextCursor: more ? encodeCursor(next) : null,
  };
}
