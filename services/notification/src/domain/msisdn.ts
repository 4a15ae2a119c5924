// One form for every mobile number the service compares: E.164 (+9639XXXXXXXX), the form the bill
// contacts and opt-outs are stored in. Operators type numbers as +963…, 00963… or 09XX…; an SMSC
// hands over MO senders as 963… (international, no plus). All of them must land on the same key,
// or a STOP recorded under one spelling would not stop a campaign sent to another.
//
// Checked against libphonenumber's numbering plan for Syria (docs/design.md: a phone-number library, not a
// hand-written regex), with the 'max' metadata as billing uses: the default set cannot tell a mobile
// from a fixed line, and only a mobile can receive an SMS or send STOP.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const country = 'SY';

// Far longer than any real spelling of a number (spaces, dashes, brackets included); anything longer
// is not a phone number and is not worth parsing.
const maxInputLength = 64;

/** A Syrian mobile number in E.164, or null when `input` is not one. */
export function normaliseMsisdn(input: string): string | null {
  // A '+' in a URL query string arrives decoded as a space; trimming makes "+963…" and " 963…" one.
  const trimmed = input.trim();
  if (trimmed === '' || trimmed.length > maxInputLength) return null;
  const phone = parsePhoneNumberFromString(trimmed, country);
  if (phone === undefined || phone.country !== country || !phone.isValid()) return null;
  if (phone.getType() !== 'MOBILE') return null;
  return phone.number;
}
