// The people who sign in to the console and what their role lets them do. The file (OPERATORS_FILE,
// infra/local/operators.json locally) holds password hashes only (auth/password-hash.ts).
import { z } from 'zod';

export const roles = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof roles)[number];

export const operatorSchema = z.strictObject({
  // Also sent to the services as x-operator-person, so kit's pattern for it applies.
  username: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
  displayName: z.string().min(1).max(200),
  role: z.enum(roles),
  passwordHash: z.string().startsWith('scrypt$', 'must be a hash from scripts/hash-password.ts'),
});
export type Operator = z.infer<typeof operatorSchema>;

export const operatorsFileSchema = z.array(operatorSchema).superRefine((operators, ctx) => {
  const seen = new Set<string>();
  operators.forEach((o, i) => {
    if (seen.has(o.username)) ctx.addIssue({ code: 'custom', path: [i, 'username'], message: `duplicate username ${o.username}` });
    seen.add(o.username);
  });
});

const rank: Readonly<Record<Role, number>> = { viewer: 0, operator: 1, admin: 2 };

/** viewer reads everything; operator also acts; admin also sees the audit log and settings. */
export function hasRole(role: Role, atLeast: Role): boolean {
  return rank[role] >= rank[atLeast];
}
