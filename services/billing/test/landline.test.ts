import { describe, expect, it } from '@jest/globals';
import { governorateByAreaCode, parseLandline, parseMobile } from '../src/domain/landline.ts';

describe('parseLandline', () => {
  it.each([
    ['0112345678', '0112345678', 'damascus'],
    ['011 234 5678', '0112345678', 'damascus'],
    ['+963112345678', '0112345678', 'damascus'],
    ['0212234567', '0212234567', 'aleppo'],
    ['0312123456', '0312123456', 'homs'],
    ['0331234567', '0331234567', 'hama'],
    ['041123456', '041123456', 'latakia'],
    ['043123456', '043123456', 'tartus'],
    ['023123456', '023123456', 'idlib'],
    ['022123456', '022123456', 'raqqa'],
    ['051123456', '051123456', 'deir_ez_zor'],
    ['052123456', '052123456', 'hasakah'],
    ['015123456', '015123456', 'daraa'],
    ['016123456', '016123456', 'suwayda'],
    ['0141234567', '0141234567', 'quneitra'],
  ])('accepts %s as the landline %s in %s', (input, accountNo, governorate) => {
    const result = parseLandline(input);
    expect(result).toEqual({ ok: true, value: { accountNo, areaCode: accountNo.slice(0, 3), governorate } });
  });

  it.each([
    ['0944123456', 'mobile'],
    ['+963991234567', 'mobile'],
    ['01123456789', 'not a valid'], // one digit too many for Damascus
    ['011123456', 'not a valid'], // one digit too few
    ['0411234567', 'not a valid'], // Latakia numbers have six subscriber digits
    ['0612345678', 'not a valid'], // no such area code
    ['+442071234567', 'not a valid'], // a London number
    ['hello', 'not a valid'],
    ['', 'not a valid'],
  ])('refuses %s (%s)', (input, why) => {
    const result = parseLandline(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(why);
  });

  it('names every governorate by a known slug', () => {
    expect(new Set(Object.values(governorateByAreaCode))).toEqual(
      new Set(['damascus', 'rif_dimashq', 'quneitra', 'daraa', 'suwayda', 'aleppo', 'raqqa', 'idlib', 'homs', 'hama', 'latakia', 'tartus', 'deir_ez_zor', 'hasakah']),
    );
  });
});

describe('parseMobile', () => {
  it.each([
    ['0944123456', '+963944123456'],
    ['+963 944 123 456', '+963944123456'],
    ['00963991234567', '+963991234567'],
    ['0933-123-456', '+963933123456'],
  ])('normalises %s to %s', (input, e164) => {
    expect(parseMobile(input)).toEqual({ ok: true, value: e164 });
  });

  it.each([
    ['0112345678', 'fixed line'],
    ['0944', 'not a valid'],
    ['+447700900123', 'not a valid'], // a UK mobile: SMS go through the Syrian SMSC only
    ['not a number', 'not a valid'],
  ])('refuses %s (%s)', (input, why) => {
    const result = parseMobile(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(why);
  });
});
