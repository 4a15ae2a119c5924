// Reusable schemas for environment variables. Every variable arrives as a string; each schema turns it
// into the type the service wants and, when it cannot, says what it expected in words an operator can
// act on ("must be an integer"). Messages never echo the value: a DATABASE_URL carries a password.
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

function fail(ctx: z.core.$RefinementCtx, value: string, message: string): never {
  ctx.addIssue({ code: 'custom', message, input: value });
  return z.NEVER;
}

export function envString() {
  return z.string({ error: 'must be a string' }).min(1, 'must not be empty');
}

export function envInteger(bounds: { min?: number; max?: number } = {}) {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds;
  return z.string().transform((value, ctx) => {
    if (!/^-?\d+$/.test(value.trim())) return fail(ctx, value, 'must be an integer');
    const n = Number(value.trim());
    if (!Number.isSafeInteger(n) || n < min || n > max) return fail(ctx, value, `must be an integer between ${min} and ${max}`);
    return n;
  });
}

export function envPort() {
  return z.string().transform((value, ctx) => {
    if (!/^\d+$/.test(value.trim())) return fail(ctx, value, 'must be an integer');
    const n = Number(value.trim());
    // 0 would let the kernel pick a port, which no client could find; tests that want that use listen() directly.
    if (n < 1 || n > 65535) return fail(ctx, value, 'must be a port number between 1 and 65535');
    return n;
  });
}

export function envUrl(protocols?: readonly string[]) {
  return z.string().transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value.trim());
    } catch {
      return fail(ctx, value, 'must be a URL');
    }
    if (protocols && !protocols.includes(url.protocol)) {
      return fail(ctx, value, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    }
    return value.trim();
  });
}

/** A comma-separated list of non-empty items (surrounding blanks ignored). */
export function envCsv() {
  return z.string().transform((value, ctx) => {
    const items = value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    if (items.length === 0) return fail(ctx, value, 'must be a comma-separated list with at least one item');
    return items;
  });
}

/** Kafka's bootstrap list: `host:port[,host:port…]`. */
export function envBrokerList() {
  return z.string().transform((value, ctx) => {
    const items = value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    const wellFormed = items.every((item) => {
      const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(item);
      return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65535;
    });
    if (items.length === 0 || !wellFormed) return fail(ctx, value, 'must be a comma-separated list of host:port');
    return items;
  });
}

const saslMechanisms = ['scram-sha-512', 'scram-sha-256'] as const;
export type KafkaSaslMechanism = (typeof saslMechanisms)[number];

/** A SASL/SCRAM mechanism kafkajs and the broker both speak. */
export function envKafkaSaslMechanism() {
  return z.string().transform((value, ctx): KafkaSaslMechanism => {
    const mechanism = value.trim().toLowerCase();
    if (!(saslMechanisms as readonly string[]).includes(mechanism)) return fail(ctx, value, `must be one of ${saslMechanisms.join(', ')}`);
    return mechanism as KafkaSaslMechanism;
  });
}

export function envLogLevel() {
  return z.string().transform((value, ctx): LogLevel => {
    const level = value.trim().toLowerCase();
    if (!(logLevels as readonly string[]).includes(level)) return fail(ctx, value, `must be one of ${logLevels.join(', ')}`);
    return level as LogLevel;
  });
}

const durationUnits: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration in milliseconds: a bare integer means milliseconds; `250ms`, `30s`, `5m`, `1h`, `7d` also work. */
export function envDurationMs() {
  return z.string().transform((value, ctx) => {
    const match = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(value.trim());
    if (!match) return fail(ctx, value, 'must be a duration such as 5000, 250ms, 30s, 5m, 1h or 7d');
    const n = Number(match[1]) * (durationUnits[match[2] ?? 'ms'] ?? 1);
    if (!Number.isSafeInteger(n)) return fail(ctx, value, 'must be a shorter duration');
    return n;
  });
}

export function envBoolean() {
  return z.string().transform((value, ctx) => {
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    return fail(ctx, value, 'must be true or false');
  });
}
