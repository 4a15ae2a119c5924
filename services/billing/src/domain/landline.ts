// Billing numbers and contact mobiles. Both are checked against libphonenumber's numbering plan for
// Syria (docs/design.md: a phone-number library, not a hand-written regex). The 'max' metadata is needed:
// the default set cannot tell a fixed line from a mobile, and an account must be a landline.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const country = 'SY';

// Which governorate an area code serves. This is data about the telecom's numbering, not logic: it
// lets statements and operators group lines by region without asking the billing system. Damascus
// and Rif Dimashq share 011, so an 011 line is reported as Damascus; the outlying Rif Dimashq
// exchanges (012, 013) and the secondary codes of Homs (034, Palmyra) and Hasakah (053, Qamishli)
// have their own. Codes the plan accepts but that are not listed here give a null governorate.
export const governorateByAreaCode: Readonly<Record<string, string>> = {
  '011': 'damascus',
  '012': 'rif_dimashq',
  '013': 'rif_dimashq',
  '014': 'quneitra',
  '015': 'daraa',
  '016': 'suwayda',
  '021': 'aleppo',
  '022': 'raqqa',
  '023': 'idlib',
  '031': 'homs',
  '033': 'hama',
  '034': 'homs',
  '041': 'latakia',
  '043': 'tartus',
  '051': 'deir_ez_zor',
  '052': 'hasakah',
  '053': 'hasakah',
};

export type Landline = {
  /** National form, 0 + area code + subscriber digits (e.g. `0112345678`): the account number we store. */
  accountNo: string;
  areaCode: string;
  governorate: string | null;
};

export type PhoneCheck<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Validates a billing number (a Syrian landline) and derives its area code and governorate. */
export function parseLandline(input: string): PhoneCheck<Landline> {
  const phone = parsePhoneNumberFromString(input.trim(), country);
  if (phone === undefined || phone.country !== country || !phone.isValid()) {
    return { ok: false, reason: `accountNo ${JSON.stringify(input)} is not a valid Syrian landline number (0 + area code + 6–7 digits)` };
  }
  if (phone.getType() !== 'FIXED_LINE') {
    return { ok: false, reason: `accountNo ${JSON.stringify(input)} is a ${describeType(phone.getType())}, not a landline` };
  }
  // Every Syrian geographic area code is two digits after the trunk 0 (libphonenumber's own
  // formatting rule for the plan splits the number the same way).
  const accountNo = `0${phone.nationalNumber}`;
  const areaCode = accountNo.slice(0, 3);
  return { ok: true, value: { accountNo, areaCode, governorate: governorateByAreaCode[areaCode] ?? null } };
}

/** Normalises a contact mobile to E.164 (+9639XXXXXXXX); SMS go through the Syrian SMSC only. */
export function parseMobile(input: string): PhoneCheck<string> {
  const phone = parsePhoneNumberFromString(input.trim(), country);
  if (phone === undefined || phone.country !== country || !phone.isValid()) {
    return { ok: false, reason: `msisdn ${JSON.stringify(input)} is not a valid Syrian mobile number` };
  }
  if (phone.getType() !== 'MOBILE') {
    return { ok: false, reason: `msisdn ${JSON.stringify(input)} is a ${describeType(phone.getType())}, not a mobile number` };
  }
  return { ok: true, value: phone.number };
}

function describeType(type: string | undefined): string {
  return type === undefined ? 'number of unknown type' : `${type.toLowerCase().replaceAll('_', ' ')} number`;
}
