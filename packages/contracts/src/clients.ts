// infra/local/clients.json (docs/api.md "Local defaults"): the demo clients every service loads at start.
// Validated strictly so a typo fails at boot with the path of the bad entry, not at the first request.
import { z } from 'zod';
import { idSchema } from './primitives.ts';

export const clientKinds = ['channel', 'portal', 'biller', 'operator'] as const;
export const clientKindSchema = z.enum(clientKinds);
export type ClientKind = z.infer<typeof clientKindSchema>;

export const clientKeySchema = z.object({
  keyId: z.string().min(1).max(128),
  // The HMAC key, base64. Several keys per client allow rotation with an overlap window.
  secret: z.base64({ error: 'secret must be the base64 of the HMAC key' }).min(1, { error: 'secret must not be empty' }),
});

export const clientSchema = z
  .object({
    clientId: idSchema,
    kind: clientKindSchema,
    channelId: idSchema.optional(),
    // A biller client that IS one biller (an issuing authority such as civil-registry): it may order
    // and read fee orders of that biller only. The telecom's billing system names none.
    billerId: idSchema.optional(),
    keys: z.array(clientKeySchema).min(1, { error: 'a client needs at least one key' }),
  })
  .superRefine((c, ctx) => {
    // A channel client IS a channel; any other client must not pose as one.
    if (c.kind === 'channel' && c.channelId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['channelId'], message: 'channelId is required for a client of kind channel' });
    }
    if (c.kind !== 'channel' && c.channelId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['channelId'], message: `channelId is only allowed for kind channel, not ${c.kind}` });
    }
    if (c.kind !== 'biller' && c.billerId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['billerId'], message: `billerId is only allowed for kind biller, not ${c.kind}` });
    }
  });
export type ClientConfig = z.infer<typeof clientSchema>;

export const clientsFileSchema = z.array(clientSchema).superRefine((clients, ctx) => {
  const seenClients = new Set<string>();
  const seenKeys = new Set<string>();
  clients.forEach((c, i) => {
    if (seenClients.has(c.clientId)) ctx.addIssue({ code: 'custom', path: [i, 'clientId'], message: `duplicate clientId ${c.clientId}` });
    seenClients.add(c.clientId);
    c.keys.forEach((k, j) => {
      // A keyId must identify one client, or a signature could be checked against the wrong secret.
      if (seenKeys.has(k.keyId)) ctx.addIssue({ code: 'custom', path: [i, 'keys', j, 'keyId'], message: `duplicate keyId ${k.keyId}` });
      seenKeys.add(k.keyId);
    });
  });
});
export type ClientsFile = z.infer<typeof clientsFileSchema>;
