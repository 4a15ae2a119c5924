// The session routes' shapes (the SPA in web/ codes against them).
import { z } from 'zod';
import { roles } from '../domain/operators.ts';
import type { Operator } from '../domain/operators.ts';

export const sessionBodySchema = z.object({
  user: z.object({ username: z.string(), displayName: z.string(), role: z.enum(roles) }),
  csrfToken: z.string(),
});

export function sessionBody(operator: Operator, csrfToken: string): z.infer<typeof sessionBodySchema> {
  return { user: { username: operator.username, displayName: operator.displayName, role: operator.role }, csrfToken };
}
