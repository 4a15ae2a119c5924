// A service's catalogues (billers, channels, fees, channel names, late-fee policy) are JSON files named
// by a variable. A bad one must stop the start with one line per problem, naming the variable and the
// file, like a bad environment variable does.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from './config-error.ts';

export function readJsonFile<T>(variable: string, file: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError([`${variable} cannot be read as JSON (${file}: ${reason})`]);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${variable} ${file}: ${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return parsed.data;
}
