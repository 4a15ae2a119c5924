// A person signs in: refused while their username is locked out (even with the right password),
// otherwise checked against the operators file. An unknown username and a wrong password read the
// same and cost the same hashing time, so neither the answer nor its timing says which usernames exist.
// Each outcome is a console audit event (store/redis-console-audit-store.ts): a sign-in names the
// person as the services' rows do (`operator-console/alice`); a failure is by `unauthenticated`, the
// username typed being only a claim, and is its target; the failure that reaches the limit is also a
// lock-out event, and each attempt refused while locked out is one too.
import { decoyHash, verifyPassword } from '../auth/password-hash.ts';
import type { Operator } from '../domain/operators.ts';
import type { ConsoleAuditStore } from '../store/redis-console-audit-store.ts';
import type { Session, SessionStore } from '../store/redis-session-store.ts';
import type { SignInFailureStore } from '../store/redis-signin-failure-store.ts';

export type SignInPorts = {
  operators: readonly Operator[];
  sessions: SessionStore;
  failures: SignInFailureStore;
  maxFailures: number;
  consoleAudit: ConsoleAuditStore;
  /** The console's client id, the first half of the actor of its people's events. */
  consoleClientId: string;
};

/** Where the attempt came from, for its audit event. */
export type SignInContext = { ip: string; requestId: string };

export const consoleAuditActions = {
  signIn: 'console.sign-in',
  signInFailed: 'console.sign-in-failed',
  lockOut: 'console.lock-out',
  signInLocked: 'console.sign-in-locked',
  signOut: 'console.sign-out',
} as const;

export const unauthenticatedActor = 'unauthenticated';

export type SignInResult =
  | { kind: 'signed_in'; operator: Operator; session: Session }
  | { kind: 'bad_credentials' }
  | { kind: 'locked_out'; retryAfterMs: number };

export async function signIn(ports: SignInPorts, credentials: { username: string; password: string }, context: SignInContext): Promise<SignInResult> {
  const { username } = credentials;
  const event = (actor: string, action: string, detail: Record<string, unknown>) =>
    ports.consoleAudit.append({ actor, action, target: username, detail: { ip: context.ip, ...detail }, requestId: context.requestId });

  const before = await ports.failures.current(username);
  if (before.count >= ports.maxFailures) {
    await event(unauthenticatedActor, consoleAuditActions.signInLocked, { retryAfterMs: before.resetsInMs });
    return { kind: 'locked_out', retryAfterMs: before.resetsInMs };
  }

  const operator = ports.operators.find((o) => o.username === username);
  const matches = await verifyPassword(credentials.password, operator?.passwordHash ?? decoyHash);
  if (operator === undefined || !matches) {
    const failures = await ports.failures.record(username);
    await event(unauthenticatedActor, consoleAuditActions.signInFailed, { failures, maxFailures: ports.maxFailures });
    if (failures === ports.maxFailures) await event(unauthenticatedActor, consoleAuditActions.lockOut, { failures });
    return { kind: 'bad_credentials' };
  }
  // A success ends the run of failures: the lock-out is for guessing, not for a typo a day.
  await ports.failures.clear(username);
  await event(`${ports.consoleClientId}/${operator.username}`, consoleAuditActions.signIn, {});
  return { kind: 'signed_in', operator, session: await ports.sessions.create(operator.username) };
}
