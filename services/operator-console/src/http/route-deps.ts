// What every route of the console is built from; main.ts (through app.ts) or a test passes it in.
import type { ServiceClient } from '../clients/service-client.ts';
import type { OverviewHub } from '../flows/overview.flow.ts';
import type { ConsoleSettings } from '../flows/settings.flow.ts';
import type { Operator } from '../domain/operators.ts';
import type { ConsoleAuditStore } from '../store/redis-console-audit-store.ts';
import type { SessionStore } from '../store/redis-session-store.ts';
import type { SignInFailureStore } from '../store/redis-signin-failure-store.ts';

export type RouteDeps = {
  operators: readonly Operator[];
  sessions: SessionStore;
  failures: SignInFailureStore;
  maxFailures: number;
  cookieSecure: boolean;
  bankAdapter: ServiceClient;
  /** Every service by name, asked for its parked outbox rows (the bank adapter among them). */
  outboxServices: Record<string, ServiceClient>;
  /** The live overview (its feed and polls are started by main.ts). */
  overview: OverviewHub;
  /** The SPA's build output (index.html and its assets). */
  webDistDir: string;
  /** The console's own sign-in, lock-out and sign-out events (the Audit screen shows them). */
  consoleAudit: ConsoleAuditStore;
  /** The console's client id in CLIENTS_FILE: its people's actor is `<consoleClientId>/<username>`. */
  consoleClientId: string;
  /** What GET /api/settings shows (admin): the effective settings that are not secrets. */
  settings: ConsoleSettings;
};
