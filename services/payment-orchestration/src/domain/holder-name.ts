// A channel shows the holder's name so the payer can confirm the account, but never in full: each
// word keeps its first letter ("Rami Haddad" → "R*** H*****"). Works on code points, so Arabic names
// are masked the same way.
export function maskHolderName(name: string | null): string {
  if (name === null || name.trim() === '') return '';
  return name
    .trim()
    .split(/\s+/u)
    .map((word) => {
      const chars = [...word];
      return chars[0] + '*'.repeat(chars.length - 1);
    })
    .join(' ');
}
