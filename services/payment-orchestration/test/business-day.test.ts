// Business dates and cut-offs in Asia/Damascus, and the holder-name mask.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { businessDateOf, cutOffInstant, localDate } from '../src/domain/business-day.ts';
import { maskHolderName } from '../src/domain/holder-name.ts';

const tz = 'Asia/Damascus';

describe('business day', () => {
  it('closes the day at the local cut-off (UTC+3)', () => {
    expect(cutOffInstant('2026-05-10', '23:00', tz).toISOString()).toBe('2026-05-10T20:00:00.000Z');
    expect(businessDateOf(new Date('2026-05-10T19:59:59Z'), '23:00', tz)).toBe('2026-05-10');
    expect(businessDateOf(new Date('2026-05-10T20:00:00Z'), '23:00', tz)).toBe('2026-05-11');
    // 00:30 local on the 11th is the 11th.
    expect(businessDateOf(new Date('2026-05-10T21:30:00Z'), '23:00', tz)).toBe('2026-05-11');
    expect(localDate(new Date('2026-12-31T22:00:00Z'), tz)).toBe('2027-01-01');
  });

  it('answers from its one-second memory only for the same second, cut-off and zone', () => {
    expect(businessDateOf(new Date('2026-05-10T19:59:59.000Z'), '23:00', tz)).toBe('2026-05-10');
    expect(businessDateOf(new Date('2026-05-10T19:59:59.999Z'), '23:00', tz)).toBe('2026-05-10');
    expect(businessDateOf(new Date('2026-05-10T19:59:59.999Z'), '22:59', tz)).toBe('2026-05-11');
    expect(businessDateOf(new Date('2026-05-10T19:59:59.999Z'), '23:00', 'UTC')).toBe('2026-05-10');
    expect(businessDateOf(new Date('2026-05-10T20:00:00.000Z'), '23:00', tz)).toBe('2026-05-11');
    expect(businessDateOf(new Date('2026-05-10T19:59:59.500Z'), '23:00', tz)).toBe('2026-05-10');
  });

  it('gives a business date on or after the local date, at most one day later (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }), fc.constantFrom('22:00', '23:00', '00:30'), (instant, cutOff) => {
        const local = localDate(instant, tz);
        const business = businessDateOf(instant, cutOff, tz);
        expect(business >= local).toBe(true);
        expect(instant.getTime()).toBeLessThan(cutOffInstant(business, cutOff, tz).getTime());
      }),
    );
  });
});

describe('maskHolderName', () => {
  it('keeps the first letter of each word', () => {
    expect(maskHolderName('Rami Haddad')).toBe('R*** H*****');
    expect(maskHolderName('  سامي   الحداد ')).toBe('س*** ا*****');
    expect(maskHolderName(null)).toBe('');
  });
});
