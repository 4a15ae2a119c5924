import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  chooseEncoding,
  dataCodings,
  decodeGsm7,
  decodeText,
  decodeUcs2,
  encodeGsm7,
  encodeText,
  encodeUcs2,
  gsmSeptetsOf,
  SmsEncodingError,
  smsUnitCount,
} from '../src/domain/sms-encoding.ts';

// Every character of the GSM 03.38 default alphabet (0x1B, the escape, is not a character) and the
// extension table, as the handset sees them.
const gsmBasicChars = [
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
];
const gsmExtensionChars = ['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\f'];

describe('chooseEncoding', () => {
  it('keeps plain Latin text, digits and GSM symbols in GSM 7-bit', () => {
    expect(chooseEncoding('Payment received: SYP 12,345.67 for 0112345678. Receipt no. R-1.')).toBe('gsm7');
    expect(chooseEncoding(gsmBasicChars.join(''))).toBe('gsm7');
    expect(chooseEncoding(gsmExtensionChars.join(''))).toBe('gsm7');
    expect(chooseEncoding('')).toBe('gsm7');
  });

  it.each([
    ['Arabic', 'تم استلام دفعتك'],
    ['a no-break space', 'SYP\u00a012.00'],
    ['a curly quote', 'it’s'],
    ['an emoji', 'paid 👍'],
    ['a lower-case c cedilla (only Ç is GSM)', 'ç'],
    ['a Greek alpha (GSM has only the Greek capitals unlike Latin ones)', 'Α'],
    ['a raw escape character', '\u001b'],
    ['a tab', 'a\tb'],
  ])('needs UCS-2 for %s', (_why, text) => {
    expect(chooseEncoding(text)).toBe('ucs2');
  });
});

describe('GSM 7-bit (unpacked, data_coding 0)', () => {
  it('maps the basic table one septet per octet', () => {
    expect([...encodeGsm7('@£$A a\n')]).toEqual([0x00, 0x01, 0x02, 0x41, 0x20, 0x61, 0x0a]);
    expect([...encodeGsm7('ΔΞßÉ§à')]).toEqual([0x10, 0x1a, 0x1e, 0x1f, 0x5f, 0x7f]);
  });

  it('escapes the extension table with 0x1B and counts it as two septets', () => {
    expect([...encodeGsm7('€[]{}\\^~|\f')]).toEqual([
      0x1b, 0x65, 0x1b, 0x3c, 0x1b, 0x3e, 0x1b, 0x28, 0x1b, 0x29, 0x1b, 0x2f, 0x1b, 0x14, 0x1b, 0x3d, 0x1b, 0x40, 0x1b, 0x0a,
    ]);
    expect(gsmSeptetsOf('€')).toBe(2);
    expect(gsmSeptetsOf('e')).toBe(1);
    expect(gsmSeptetsOf('ع')).toBeNull();
    expect(smsUnitCount('a{b}€', 'gsm7')).toBe(8);
  });

  it('round-trips every GSM character', () => {
    const all = [...gsmBasicChars, ...gsmExtensionChars].join('');
    expect(decodeGsm7(encodeGsm7(all))).toBe(all);
    expect(encodeGsm7(gsmBasicChars.join('')).every((b) => b <= 0x7f)).toBe(true);
  });

  it('refuses a character outside the alphabet, naming it', () => {
    expect(() => encodeGsm7('abc ع')).toThrow(SmsEncodingError);
    expect(() => encodeGsm7('abc ع')).toThrow(/U\+0639 at 4/);
    expect(() => smsUnitCount('x’', 'gsm7')).toThrow(/U\+2019/);
  });

  it('decodes what a receiver must tolerate: unknown extension codes, a dangling escape', () => {
    expect(decodeGsm7(Uint8Array.of(0x1b, 0x41))).toBe('A');
    expect(decodeGsm7(Uint8Array.of(0x41, 0x1b))).toBe('A ');
    expect(() => decodeGsm7(Uint8Array.of(0x80))).toThrow(/not an unpacked GSM septet/);
  });
});

describe('UCS-2 (UTF-16BE, data_coding 8)', () => {
  it('writes code units big-endian, a non-BMP character as a surrogate pair', () => {
    expect([...encodeUcs2('عA')]).toEqual([0x06, 0x39, 0x00, 0x41]);
    expect([...encodeUcs2('👍')]).toEqual([0xd8, 0x3d, 0xdc, 0x4d]);
    expect(smsUnitCount('👍ع', 'ucs2')).toBe(3);
  });

  it('refuses an odd number of octets', () => {
    expect(() => decodeUcs2(Uint8Array.of(0x06))).toThrow(/odd length/);
  });

  it('decodes by data_coding and refuses an unsupported one', () => {
    expect(decodeText(encodeText('مرحبا', 'ucs2'), dataCodings.ucs2)).toBe('مرحبا');
    expect(decodeText(encodeText('Hello', 'gsm7'), dataCodings.gsm7)).toBe('Hello');
    expect(() => decodeText(Uint8Array.of(0x41), 4)).toThrow(/data_coding 4/);
  });
});

describe('encoding properties', () => {
  const gsmCharArb = fc.constantFrom(...gsmBasicChars, ...gsmExtensionChars);

  it('any GSM text is GSM 7-bit and round-trips; its length in septets is its encoded length', () => {
    fc.assert(
      fc.property(fc.array(gsmCharArb, { maxLength: 400 }).map((cs) => cs.join('')), (text) => {
        expect(chooseEncoding(text)).toBe('gsm7');
        const bytes = encodeGsm7(text);
        expect(decodeGsm7(bytes)).toBe(text);
        expect(bytes.length).toBe(smsUnitCount(text, 'gsm7'));
      }),
    );
  });

  it('any string round-trips through UCS-2, code unit for code unit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const bytes = encodeUcs2(text);
        expect(bytes.length).toBe(2 * text.length);
        expect(decodeUcs2(bytes)).toBe(text);
      }),
    );
  });

  it('whatever it chooses, encoding then decoding by its data_coding gives the text back', () => {
    const charArb = fc.oneof(gsmCharArb, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
    fc.assert(
      fc.property(fc.array(charArb, { maxLength: 200 }).map((cs) => cs.join('')), (text) => {
        const encoding = chooseEncoding(text);
        expect(decodeText(encodeText(text, encoding), dataCodings[encoding])).toBe(text);
      }),
    );
  });
});
