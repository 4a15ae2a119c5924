// Operators' passwords as scrypt hashes (node:crypto's, so no native add-on to build): the string
// carries its own parameters, `scrypt$N$r$p$salt$hash` (salt and hash base64url), so they can be
// raised later without invalidating the hashes already issued. N = 2^15, r = 8, p = 1 is 32 MiB and
// some 100 ms a hash on this machine's cores: dear for a guesser, cheap for a handful of sign-ins.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

const defaults = { N: 2 ** 15, r: 8, p: 1 };
const keyLength = 32;

function derive(password: string, salt: Buffer, options: { N: number; r: number; p: number }): Promise<Buffer> {
  // maxmem above 128·N·r, the memory the parameters need, or node refuses them.
  const scryptOptions: ScryptOptions = { ...options, maxmem: 256 * options.N * options.r };
  return new Promise((resolve, reject) => scrypt(password, salt, keyLength, scryptOptions, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string, options = defaults): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, options);
  return ['scrypt', options.N, options.r, options.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A hash of no one's password, with the default parameters: an unknown username is checked against
 * it, so it costs the same time as a known one and the answer's timing does not tell them apart.
 */
export const decoyHash = `scrypt$${defaults.N}$${defaults.r}$${defaults.p}$${'A'.repeat(22)}$${'A'.repeat(43)}`;
