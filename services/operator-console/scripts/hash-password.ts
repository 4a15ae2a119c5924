// Prints the passwordHash of a new operator for OPERATORS_FILE (infra/local/operators.json):
//   node services/operator-console/scripts/hash-password.ts            (asks for it, not echoed to history)
//   echo -n 'secret' | node services/operator-console/scripts/hash-password.ts
import { text } from 'node:stream/consumers';
import { hashPassword } from '../src/auth/password-hash.ts';

if (process.stdin.isTTY) process.stderr.write('Password (then Enter, Ctrl-D): ');
const password = (await text(process.stdin)).replace(/\r?\n$/, '');
if (password.length < 8) {
  process.stderr.write('A password needs at least 8 characters.\n');
  process.exit(1);
}
process.stdout.write(`${await hashPassword(password)}\n`);
