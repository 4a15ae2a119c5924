// The only place in this service that reads the environment (see kit's loadConfig for the rules).
import { commonConfigSchema, envPort, loadConfig } from '@gateway/kit';
import type { Env } from '@gateway/kit';

export const configSchema = commonConfigSchema.extend({
  HTTP_PORT: envPort().default(3004),
});

export function readConfig(env: Env = process.env) {
  return loadConfig(configSchema, env);
}
export type NotificationConfig = ReturnType<typeof readConfig>;
