// Thrown when an event (or a payload given to createEvent) breaks its contract. The message names
// every failing field path because the consumer puts it on the DLQ as the reason, and an operator
// reading the dashboard must see what was wrong without the original stack.
import type { z } from 'zod';

export type EventIssue = { readonly path: string; readonly message: string };

export class EventValidationError extends Error {
  readonly issues: readonly EventIssue[];
  readonly eventType: string | null;
  readonly eventVersion: number | null;
  readonly eventId: string | null;
  constructor(
    summary: string,
    issues: readonly EventIssue[],
    context: { eventType?: string | null; eventVersion?: number | null; eventId?: string | null } = {},
  ) {
    const detail = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
    super(detail ? `${summary}: ${detail}` : summary);
    this.name = 'EventValidationError';
    this.issues = issues;
    this.eventType = context.eventType ?? null;
    this.eventVersion = context.eventVersion ?? null;
    this.eventId = context.eventId ?? null;
  }
}

// ['payload', 'allocations', 0, 'amount'] → "payload.allocations[0].amount"
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === 'number') return `${acc}[${part}]`;
    const name = String(part);
    return acc ? `${acc}.${name}` : name;
  }, '');
}

export function issuesOf(error: z.ZodError, prefix: readonly PropertyKey[] = []): EventIssue[] {
  return error.issues.map((i) => ({ path: formatIssuePath([...prefix, ...i.path]), message: i.message }));
}
