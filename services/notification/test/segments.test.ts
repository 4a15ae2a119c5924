import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { gsmSeptetsOf } from '../src/domain/sms-encoding.ts';
import {
  concatReferenceOf,
  esmClassUdhi,
  parseShortMessage,
  reassemble,
  segmentLimits,
  shortMessageOf,
  SmsReassemblyError,
  SmsTooLongError,
  splitSms,
} from '../src/domain/sms-segments.ts';
import type { SmsPart } from '../src/domain/sms-segments.ts';

const gsmBasicChars = [
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
];
const gsmExtensionChars = ['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\f'];
const arabicLetters = [...'ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى٠١٢٣٤٥٦٧٨٩،؛؟'];
const emoji = ['👍', '📱', '💳', '✅', '🇸🇾', '👨‍👩‍👧'];

const arabicReceipt =
  'استلمنا دفعتك بمبلغ ١٢٬٣٤٥٫٦٧ ل.س. لفاتورة الهاتف الأرضي رقم 0112345678 عن شهري كانون الثاني وشباط عبر تطبيق المصرف التجاري. ' +
  'رقم الإيصال: R-20260315-000123. شكراً لاستخدامك الدفع الإلكتروني.';

// The UDH as plain numbers, so a failure prints which octet differs.
function udhOf(part: SmsPart): number[] {
  return [...part.udh];
}

function octetsOf(part: SmsPart): number {
  return shortMessageOf(part).length;
}

describe('splitSms: limits', () => {
  it('sends 160 GSM characters as one part and 161 as two', () => {
    const one = splitSms('a'.repeat(160), 7);
    expect(one.encoding).toBe('gsm7');
    expect(one.dataCoding).toBe(0);
    expect(one.parts).toHaveLength(1);
    expect(one.parts[0]?.esmClass).toBe(0);
    expect(one.parts[0]?.udh).toHaveLength(0);
    expect(one.parts[0]?.payload).toHaveLength(160);

    const two = splitSms('a'.repeat(161), 7);
    expect(two.parts.map((p) => p.payload.length)).toEqual([153, 8]);
    expect(two.parts.map(udhOf)).toEqual([
      [0x05, 0x00, 0x03, 7, 2, 1],
      [0x05, 0x00, 0x03, 7, 2, 2],
    ]);
    expect(two.parts.every((p) => p.esmClass === esmClassUdhi)).toBe(true);
  });

  it('counts extension characters twice: 80 euro signs fill one part, 81 need two', () => {
    expect(splitSms('€'.repeat(80), 0).parts).toHaveLength(1);
    expect(splitSms('€'.repeat(81), 0).parts).toHaveLength(2);
  });

  it('sends 70 Arabic characters as one UCS-2 part and 71 as two', () => {
    const one = splitSms('ب'.repeat(70), 1);
    expect(one.encoding).toBe('ucs2');
    expect(one.dataCoding).toBe(8);
    expect(one.parts).toHaveLength(1);
    expect(one.parts[0]?.payload).toHaveLength(140);

    const two = splitSms('ب'.repeat(71), 1);
    expect(two.parts.map((p) => p.payload.length)).toEqual([134, 8]);
    expect(two.parts.map(octetsOf)).toEqual([140, 14]);
  });

  it('never splits a GSM escape pair: the euro sign that would straddle 153 moves to the next part', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(10);
    const { parts } = splitSms(text, 3);
    expect(parts.map((p) => p.payload.length)).toEqual([152, 12]);
    expect(parts[1]?.payload[0]).toBe(0x1b);
    expect(reassemble(parts)).toBe(text);
  });

  it('never splits a surrogate pair: the emoji that would straddle 67 moves to the next part', () => {
    const text = 'ع'.repeat(66) + '👍' + 'ع'.repeat(10);
    const { parts } = splitSms(text, 3);
    expect(parts.map((p) => p.payload.length / 2)).toEqual([66, 12]);
    expect(reassemble(parts)).toBe(text);
  });

  it('splits a long Arabic receipt into 3 UCS-2 parts that reassemble to it', () => {
    expect(arabicReceipt.length).toBeGreaterThan(2 * 67);
    expect(arabicReceipt.length).toBeLessThanOrEqual(3 * 67);
    const split = splitSms(arabicReceipt, concatReferenceOf('msg-1'));
    expect(split.encoding).toBe('ucs2');
    expect(split.parts).toHaveLength(3);
    expect(split.parts.map((p) => p.concat?.seq)).toEqual([1, 2, 3]);
    expect(split.parts.every((p) => octetsOf(p) <= 140)).toBe(true);
    expect(reassemble(split.parts)).toBe(arabicReceipt);
    // Out of order, as an SMSC may deliver them, and through the raw short_message bytes.
    const received = [2, 0, 1].map((i) => {
      const part = split.parts[i] as SmsPart;
      return parseShortMessage(shortMessageOf(part), part.esmClass, part.dataCoding);
    });
    expect(reassemble(received)).toBe(arabicReceipt);
  });

  it('sends an empty text as one empty part', () => {
    const { parts } = splitSms('', 0);
    expect(parts).toHaveLength(1);
    expect(reassemble(parts)).toBe('');
  });

  it('refuses a text beyond 255 parts and a reference beyond 8 bits', () => {
    expect(() => splitSms('x'.repeat(153 * 255 + 1), 0)).toThrow(SmsTooLongError);
    expect(splitSms('x'.repeat(153 * 255), 0).parts).toHaveLength(255);
    expect(() => splitSms('x', 256)).toThrow(/0\.\.255/);
    expect(() => splitSms('x', -1)).toThrow(RangeError);
  });
});

describe('concatReferenceOf', () => {
  it('is a stable 8-bit number per message id, so a resubmission keeps its reference', () => {
    expect(concatReferenceOf('01JZ-msg')).toBe(concatReferenceOf('01JZ-msg'));
    const refs = new Set(Array.from({ length: 1000 }, (_, i) => concatReferenceOf(`msg-${i}`)));
    expect([...refs].every((r) => Number.isInteger(r) && r >= 0 && r <= 255)).toBe(true);
    expect(refs.size).toBeGreaterThan(200);
  });
});

describe('parseShortMessage and reassemble', () => {
  it('reads a 16-bit reference element as well (other senders use it)', () => {
    const udh = [0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01];
    const part = parseShortMessage(Uint8Array.of(...udh, 0x48, 0x69), esmClassUdhi, 0);
    expect(part.concat).toEqual({ reference: 0x1234, total: 2, seq: 1 });
    expect([...part.payload]).toEqual([0x48, 0x69]);
  });

  it('refuses a missing part, a repeated part and parts of two messages', () => {
    const a = splitSms('x'.repeat(400), 1).parts;
    const b = splitSms('y'.repeat(400), 2).parts;
    expect(() => reassemble(a.slice(0, 2))).toThrow(/part 3 of 3 is missing/);
    expect(() => reassemble([...a, a[0] as SmsPart])).toThrow(/appears twice/);
    expect(() => reassemble([a[0] as SmsPart, b[1] as SmsPart, a[2] as SmsPart])).toThrow(SmsReassemblyError);
    expect(() => reassemble([])).toThrow(SmsReassemblyError);
    expect(() => parseShortMessage(Uint8Array.of(0x05, 0x00), esmClassUdhi, 8)).toThrow(/truncated/);
  });
});

describe('splitSms: properties', () => {
  // A mix weighted so that texts land on both sides of every limit and pairs meet part boundaries.
  const charArb = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...gsmBasicChars) },
    { weight: 2, arbitrary: fc.constantFrom(...gsmExtensionChars) },
    { weight: 3, arbitrary: fc.constantFrom(...arabicLetters) },
    { weight: 1, arbitrary: fc.constantFrom(...emoji) },
  );
  const textArb = fc.oneof(
    fc.array(charArb, { maxLength: 700 }),
    // Pure GSM texts, else almost every text would contain something that forces UCS-2.
    fc.array(fc.oneof(fc.constantFrom(...gsmBasicChars), fc.constantFrom(...gsmExtensionChars)), { maxLength: 700 }),
  ).map((cs) => cs.join(''));

  it('reassembles to the original text, for parts given in any order', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 0, max: 255 }), (text, reference) => {
        const { parts } = splitSms(text, reference);
        expect(reassemble(parts)).toBe(text);
        const raw = [...parts].reverse().map((p) => parseShortMessage(shortMessageOf(p), p.esmClass, p.dataCoding));
        expect(reassemble(raw)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every part within its limit, with a well-formed UDH', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const { encoding, parts } = splitSms(text, 42);
        for (const part of parts) {
          if (parts.length === 1) {
            expect(part.udh).toHaveLength(0);
            expect(part.esmClass).toBe(0);
            if (encoding === 'ucs2') expect(part.payload.length).toBeLessThanOrEqual(140);
            else expect(part.payload.length).toBeLessThanOrEqual(segmentLimits.gsm7.single);
            continue;
          }
          expect(part.esmClass).toBe(esmClassUdhi);
          expect(udhOf(part)).toEqual([0x05, 0x00, 0x03, 42, parts.length, part.concat?.seq]);
          if (encoding === 'ucs2') expect(octetsOf(part)).toBeLessThanOrEqual(140);
          else expect(part.payload.length).toBeLessThanOrEqual(segmentLimits.gsm7.multi);
          // No part ends in the middle of a pair.
          const last = part.payload.length;
          if (encoding === 'gsm7') expect(part.payload[last - 1]).not.toBe(0x1b);
          else expect((part.payload[last - 2] as number) >> 2).not.toBe(0xd8 >> 2);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('uses the fewest parts: at most one more than the units divided by the limit, and none could take more', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const { encoding, units, parts } = splitSms(text, 0);
        const limits = segmentLimits[encoding];
        if (units <= limits.single) {
          expect(parts).toHaveLength(1);
          return;
        }
        const ideal = Math.ceil(units / limits.multi);
        expect(parts.length).toBeGreaterThanOrEqual(ideal);
        expect(parts.length).toBeLessThanOrEqual(ideal + 1);
        // Greedy: each part but the last is full, or the next character (a pair) would not fit.
        const unitsOf = (p: SmsPart): number => (encoding === 'gsm7' ? p.payload.length : p.payload.length / 2);
        parts.slice(0, -1).forEach((part, i) => {
          const next = reassemble([{ ...parts[i + 1]!, concat: null }]);
          const nextCost = encoding === 'gsm7' ? (gsmSeptetsOf(next.charAt(0)) ?? 1) : next.codePointAt(0)! > 0xffff ? 2 : 1;
          expect(unitsOf(part) + nextCost).toBeGreaterThan(limits.multi);
        });
      }),
      { numRuns: 300 },
    );
  });
});
