// A person signs in: refused while their username is locked out (even with the right password),
// otherwise checked against the operators file. An unknown username and a wrong password read the
// same and cost the same hashing time, so neither the answer nor its timing says which usernames exist.
import { decoyHash, verifyPassword } from '../auth/password-hash.ts';
import type { Operator } from '../domain/operators.ts';
import type { Session, SessionStore } from '../store/redis-session-store.ts';
import type { SignInFailureStore } from '../store/redis-signin-failure-store.ts';

export type SignInPorts = {
  operators: readonly Operator[];
  sessions: SessionStore;
  failures: SignInFailureStore;
  maxFailures: number;
};

export type SignInResult =
  | { kind: 'signed_in'; operator: Operator; session: Session }
  | { kind: 'bad_credentials' }
  | { kind: 'locked_out'; retryAfterMs: number };

export async function signIn(ports: SignInPorts, credentials: { username: string; password: string }): Promise<SignInResult> {
  const before = await ports.failures.current(credentials.username);
  if (before.count >= ports.maxFailures) return { kind: 'locked_out', retryAfterMs: before.resetsInMs };

  const operator = ports.operators.find((o) => o.username === credentials.username);
  const matches = await verifyPassword(credentials.password, operator?.passwordHash ?? decoyHash);
  if (operator === undefined || !matches) {
    await ports.failures.record(credentials.username);
    return { kind: 'bad_credentials' };
  }
  // A success ends the run of failures: the lock-out is for guessing, not for a typo a day.
  await ports.failures.clear(credentials.username);
  return { kind: 'signed_in', operator, session: await ports.sessions.create(operator.username) };
}
