// Who is being debited. A wallet knows its customers by MSISDN, a bank by account number; anything
// else is `invalid_payer` (an answer, not an error: the channel received the request and refused it).
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { ChannelKind } from './channel.ts';

export interface PayerInput {
  readonly msisdn?: string | undefined;
  readonly accountNo?: string | undefined;
}

export type PayerParse = { readonly ok: true; readonly key: string } | { readonly ok: false };

// Syrian mobile numbers are 9 followed by eight digits nationally (+9639XXXXXXXX). The library does
// the parsing (national "09…" and E.164 both arrive); the prefix check is ours, because the library's
// full mobile ranges refuse many numbers that demos and tests reasonably use.
function walletKey(msisdn: string | undefined): string | undefined {
  if (msisdn === undefined) return undefined;
  const phone = parsePhoneNumberFromString(msisdn, 'SY');
  if (phone === undefined || phone.countryCallingCode !== '963' || !/^9\d{8}$/.test(phone.nationalNumber)) return undefined;
  return phone.number;
}

function bankKey(accountNo: string | undefined): string | undefined {
  if (accountNo === undefined) return undefined;
  return /^\d{10,16}$/.test(accountNo) ? accountNo : undefined;
}

export function parsePayer(kind: ChannelKind, payer: PayerInput): PayerParse {
  const key = kind === 'wallet' ? walletKey(payer.msisdn) : bankKey(payer.accountNo);
  return key === undefined ? { ok: false } : { ok: true, key };
}

/** What the request named as payer, kept verbatim on a refused debit so an inquiry shows what arrived. */
export function rawPayer(kind: ChannelKind, payer: PayerInput): string {
  return (kind === 'wallet' ? payer.msisdn : payer.accountNo) ?? payer.msisdn ?? payer.accountNo ?? '';
}
