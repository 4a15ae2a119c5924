// The Settings screen (admin): the console's effective settings an admin may read, and whether each
// service answers. Only what is safe to show: durations, limits, the services' URLs and who may sign
// in with which role; never a key, a password hash or the Redis URL (it may carry a password).
import { ApiError } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import { hasRole } from '../domain/operators.ts';
import type { Operator, Role } from '../domain/operators.ts';

export type ConsoleSettings = {
  consoleClientId: string;
  sessionIdleTimeoutMs: number;
  sessionMaxAgeMs: number;
  sessionCookieSecure: boolean;
  signInMaxFailures: number;
  signInLockoutMs: number;
  serviceTimeoutMs: number;
  /** About this many console audit events are kept (redis-console-audit-store.ts). */
  consoleAuditMaxEntries: number;
  /** Each service's base URL, by the name the other screens use. */
  serviceUrls: Record<string, string>;
};

export type SettingsView = ConsoleSettings & {
  operators: { username: string; displayName: string; role: Role }[];
  services: { service: string; url: string; reachable: boolean; error?: string }[];
};

export async function readSettings(
  ports: { settings: ConsoleSettings; operators: readonly Operator[]; services: Record<string, ServiceClient> },
  operator: Operator,
): Promise<SettingsView> {
  if (!hasRole(operator.role, 'admin')) throw new ApiError('forbidden', 'The settings are for the admin role.');
  const services = await Promise.all(
    Object.entries(ports.settings.serviceUrls).map(async ([service, url]) => {
      try {
        const client = ports.services[service];
        if (client === undefined) throw new Error(`${service} is not configured`);
        await client.ping();
        return { service, url, reachable: true };
      } catch (error) {
        return { service, url, reachable: false, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  return {
    ...ports.settings,
    operators: ports.operators.map(({ username, displayName, role }) => ({ username, displayName, role })),
    services,
  };
}
