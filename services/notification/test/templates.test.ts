import { describe, expect, it } from '@jest/globals';
import { currencyCodes, formatMoney, money, smsTemplates } from '@gateway/contracts';
import type { Money, SmsTemplate } from '@gateway/contracts';
import fc from 'fast-check';
import { chooseEncoding } from '../src/domain/sms-encoding.ts';
import { reassemble, splitSms } from '../src/domain/sms-segments.ts';
import { complaintSmsMaxParts, defaultSmsLocale, renderSms } from '../src/domain/sms-templates.ts';
import type { SmsLocale, SmsTemplateData } from '../src/domain/sms-templates.ts';

const syp = (amount: number): Money => money(amount, 'SYP');
const accountNo = '0112345678';
const receiptNo = 'R-20260315-000123';
const complaintId = 'cmp_0197a0c1-2b3c-7d4e-8f50-6a7b8c9d0e1f';
const resolution = 'Billing settled the bill on 2026-05-20 (receipt RC-20260520-000042): the line is restored.';

// One realistic data set per template, as the consumers would build it from the events.
const samples: { [T in SmsTemplate]: SmsTemplateData[T] } = {
  bill_issued: { accountNo, amountDue: syp(1_234_567), dueDate: '2026-03-15' },
  bill_reminder: { accountNo, amountDue: syp(1_234_567), dueDate: '2026-03-15', daysBefore: 3 },
  late_fee_applied: { accountNo, fee: syp(61_728), amountDue: syp(1_296_295) },
  bill_overdue: { accountNo, amountDue: syp(1_296_295), suspensionDate: '2026-04-22', suspensionKind: 'one_way' },
  bill_settled: { accountNo, restoreService: true },
  payment_receipt: { accountNo, amount: syp(1_234_567), receiptNo, channel: 'CBS Bank' },
  payment_reversed: { accountNo, amount: syp(1_234_567), receiptNo },
  intent_unknown: { accountNo, amount: syp(1_234_567) },
  intent_refunded: { accountNo, amount: syp(1_234_567) },
  campaign: { text: 'ادفع فاتورتك إلكترونياً ووفّر الوقت.' },
  opt_out_confirmation: { optedOut: true },
  complaint_logged: { complaintId, type: 'paid_not_settled', dueDate: '2026-05-21' },
  complaint_resolved: { complaintId, resolution },
  complaint_rejected: { complaintId, resolution: 'The amount paid is the amount due on the day of payment.' },
};

function render<T extends SmsTemplate>(template: T, locale: SmsLocale, data?: Partial<SmsTemplateData[T]>): string {
  return renderSms(template, locale, { ...samples[template], ...data });
}

// What the handset shows for an amount; English drops Intl's no-break space (see sms-templates.ts).
const amountText = (value: Money, locale: SmsLocale): string =>
  locale === 'ar' ? formatMoney(value, 'ar-SY') : formatMoney(value, 'en').replace(/\u00a0/g, ' ');

describe('renderSms: every template in both languages', () => {
  const locales: SmsLocale[] = ['ar', 'en'];

  it('defaults to Arabic', () => {
    expect(defaultSmsLocale).toBe('ar');
  });

  it.each(smsTemplates.flatMap((t) => locales.map((l) => [t, l] as const)))('renders %s in %s', (template, locale) => {
    const text =
      template === 'campaign'
        ? renderSms('campaign', locale, { text: locale === 'ar' ? samples.campaign.text : 'Pay your bill online and save time.' })
        : render(template, locale);
    expect(text.length).toBeGreaterThan(10);
    expect(text).not.toMatch(/undefined|NaN|\$\{/);
    // A campaign is the operator's own words; an opt-out confirmation is about the number, not an account;
    // a complaint's SMS names the complaint.
    if (template.startsWith('complaint_')) expect(text).toContain(complaintId);
    else if (template !== 'campaign' && template !== 'opt_out_confirmation') expect(text).toContain(accountNo);
    // Arabic texts are Arabic (UCS-2); English texts stay within GSM 7-bit.
    expect(chooseEncoding(text)).toBe(locale === 'ar' ? 'ucs2' : 'gsm7');
  });

  it.each([
    ['bill_issued', 'amountDue'],
    ['bill_reminder', 'amountDue'],
    ['late_fee_applied', 'fee'],
    ['late_fee_applied', 'amountDue'],
    ['bill_overdue', 'amountDue'],
    ['payment_receipt', 'amount'],
    ['payment_reversed', 'amount'],
    ['intent_unknown', 'amount'],
    ['intent_refunded', 'amount'],
  ] as const)('%s shows %s in both languages', (template, field) => {
    const value = (samples[template] as Record<string, unknown>)[field] as Money;
    expect(render(template, 'ar')).toContain(amountText(value, 'ar'));
    expect(render(template, 'en')).toContain(amountText(value, 'en'));
  });

  it('shows amounts as the locale writes them', () => {
    expect(render('bill_issued', 'en')).toContain('SYP 12,345.67');
    expect(render('bill_issued', 'ar')).toContain('١٢٬٣٤٥٫٦٧');
  });
});

describe('bill texts', () => {
  it('says how much, by when, and how to pay electronically', () => {
    expect(render('bill_issued', 'en')).toBe(
      'Your bill for 0112345678 is SYP 12,345.67, due 15 Mar 2026. Pay electronically in your bank app or e-wallet.',
    );
    const ar = render('bill_issued', 'ar');
    expect(ar).toContain('١٥ آذار ٢٠٢٦');
    expect(ar).toContain('إلكترونياً عبر تطبيق مصرفك أو محفظتك');
  });

  it('keeps the English bill in one GSM 7-bit part, unless a non-GSM character slips in', () => {
    const plain = splitSms(render('bill_issued', 'en'), 0);
    expect(plain.encoding).toBe('gsm7');
    expect(plain.parts).toHaveLength(1);
    // A curly apostrophe in an account-holder field would make the whole text UCS-2.
    expect(chooseEncoding(render('bill_issued', 'en', { accountNo: 'O’Brien-1' }))).toBe('ucs2');
    // The euro sign is in the GSM extension table: still GSM, at 2 septets.
    expect(chooseEncoding(render('bill_issued', 'en', { amountDue: money(1000, 'EUR') }))).toBe('gsm7');
  });

  it('formats the due date as a calendar day, whatever the year boundary', () => {
    expect(render('bill_issued', 'en', { dueDate: '2026-01-01' })).toContain('due 1 Jan 2026.');
    expect(render('bill_issued', 'en', { dueDate: '2026-12-31' })).toContain('due 31 Dec 2026.');
    expect(render('bill_issued', 'ar', { dueDate: '2026-12-31' })).toContain('٣١ كانون الأول ٢٠٢٦');
    expect(() => render('bill_issued', 'en', { dueDate: '15/03/2026' })).toThrow(/not a business date/);
  });

  it.each([
    [0, 'is due today, 15 Mar 2026', 'تستحق اليوم في'],
    [1, 'is due tomorrow, 15 Mar 2026', 'تستحق غداً في'],
    [2, 'is due in 2 days', 'تستحق بعد يومين في'],
    [3, 'is due in 3 days', 'تستحق بعد ٣ أيام في'],
    [10, 'is due in 10 days', 'تستحق بعد ١٠ أيام في'],
    [14, 'is due in 14 days', 'تستحق بعد ١٤ يوماً في'],
  ])('reminds %i days before the due date', (daysBefore, en, ar) => {
    expect(render('bill_reminder', 'en', { daysBefore })).toContain(en);
    expect(render('bill_reminder', 'ar', { daysBefore })).toContain(ar);
  });

  it('refuses a negative or fractional reminder lead', () => {
    expect(() => render('bill_reminder', 'en', { daysBefore: -1 })).toThrow(RangeError);
    expect(() => render('bill_reminder', 'ar', { daysBefore: 1.5 })).toThrow(RangeError);
  });

  it('names the late fee and the new amount due', () => {
    expect(render('late_fee_applied', 'en')).toBe(
      'A late fee of SYP 617.28 was added to the bill for 0112345678. Now due: SYP 12,962.95. Pay electronically in your bank app or e-wallet.',
    );
    expect(render('late_fee_applied', 'ar')).toContain('غرامة تأخير');
  });

  it('gives the suspension date and which cut is coming', () => {
    expect(render('bill_overdue', 'en')).toContain('Outgoing calls will be barred on 22 Apr 2026 unless paid.');
    expect(render('bill_overdue', 'en', { suspensionKind: 'two_way' })).toContain('The line will be cut on 22 Apr 2026');
    expect(render('bill_overdue', 'ar')).toContain('ستتوقف المكالمات الصادرة في ٢٢ نيسان ٢٠٢٦');
    expect(render('bill_overdue', 'ar', { suspensionKind: 'two_way' })).toContain('سيُقطع الخط في ٢٢ نيسان ٢٠٢٦');
  });

  it('mentions restoring the line only when the payment lifts a suspension', () => {
    expect(render('bill_settled', 'en')).toContain('Your line is being restored.');
    expect(render('bill_settled', 'en', { restoreService: false })).toBe('The bill for 0112345678 is fully paid. Thank you.');
    expect(render('bill_settled', 'ar', { restoreService: false })).not.toContain('إعادة الخدمة');
  });
});

describe('payment texts', () => {
  it('puts amount, receipt number and channel on the receipt', () => {
    expect(render('payment_receipt', 'en')).toBe(
      'Payment received: SYP 12,345.67 for 0112345678 via CBS Bank. Receipt no. R-20260315-000123. Thank you.',
    );
    const ar = render('payment_receipt', 'ar');
    for (const part of [receiptNo, 'CBS Bank', '١٢٬٣٤٥٫٦٧', 'رقم الإيصال']) expect(ar).toContain(part);
  });

  it('sends the Arabic receipt as UCS-2 parts that reassemble to it', () => {
    const text = render('payment_receipt', 'ar', { channel: 'تطبيق المصرف التجاري السوري' });
    const split = splitSms(text, 9);
    expect(split.encoding).toBe('ucs2');
    expect(split.dataCoding).toBe(8);
    expect(split.parts.length).toBeGreaterThan(1);
    expect(reassemble(split.parts)).toBe(text);
  });

  it('an Arabic channel name makes an English receipt UCS-2 (the caller passes names in the message language)', () => {
    expect(chooseEncoding(render('payment_receipt', 'en', { channel: 'سيريتل كاش' }))).toBe('ucs2');
  });

  it('names the reversed payment by its receipt', () => {
    expect(render('payment_reversed', 'en')).toBe(
      'Your payment of SYP 12,345.67 for 0112345678 (receipt R-20260315-000123) was reversed. The bill is due again.',
    );
    expect(render('payment_reversed', 'ar')).toContain(receiptNo);
  });

  it('tells the payer not to pay again while the outcome is unknown', () => {
    expect(render('intent_unknown', 'en')).toContain('is being confirmed. Do not pay again.');
    expect(render('intent_unknown', 'ar')).toContain('قيد التأكيد، لا تدفع مجدداً');
  });

  it('sends a campaign text as written', () => {
    expect(renderSms('campaign', 'en', { text: 'Pay online, skip the queue.' })).toBe('Pay online, skip the queue.');
  });
});

describe('complaint texts', () => {
  it('gives the reference, the type in words and the due day on filing', () => {
    expect(render('complaint_logged', 'en')).toBe(
      `We logged your complaint (paid but bill not settled), reference ${complaintId}. We will answer by 21 May 2026.`,
    );
    const ar = render('complaint_logged', 'ar');
    for (const part of [complaintId, 'دفعة لم تُسدِّد الفاتورة', '٢١ أيار ٢٠٢٦']) expect(ar).toContain(part);
    expect(render('complaint_logged', 'en', { type: 'double_debit' })).toContain('(charged twice)');
  });

  it('quotes a short resolution or rejection whole', () => {
    expect(render('complaint_resolved', 'en')).toBe(`Your complaint ${complaintId} is resolved: ${resolution}`);
    expect(render('complaint_resolved', 'ar')).toBe(`حُلّت شكواك رقم ${complaintId}: ${resolution}`);
    expect(render('complaint_rejected', 'en')).toContain('was not upheld: The amount paid is the amount due');
  });

  it('shortens a long resolution at a word, with an ellipsis, to at most three parts, and folds line breaks', () => {
    const words = 'The operator checked the bank statement and the ledger line by line and found the second debit reversed'.split(' ');
    const long = Array.from({ length: 120 }, (_, i) => words[i % words.length]).join('\n');
    for (const [locale, ellipsis, unit] of [
      ['en', '...', 153],
      ['ar', '…', 67],
    ] as const) {
      for (const template of ['complaint_resolved', 'complaint_rejected'] as const) {
        const text = render(template, locale, { resolution: long });
        const parts = splitSms(text, 0).parts.length;
        expect(parts).toBe(complaintSmsMaxParts);
        expect(text.endsWith(ellipsis)).toBe(true);
        expect(text).not.toContain('\n');
        // Cut after a whole word of the note, and not much shorter than three parts hold.
        const quoted = text.slice(text.indexOf(': ') + 2, -ellipsis.length);
        expect(long.replace(/\n/g, ' ').startsWith(`${quoted} `)).toBe(true);
        expect(text.length).toBeGreaterThan(unit * (complaintSmsMaxParts - 1) + 20);
      }
    }
  });

  it('never splits a surrogate pair when it shortens', () => {
    const text = render('complaint_resolved', 'ar', { resolution: '😀'.repeat(400) });
    expect(splitSms(text, 0).parts.length).toBeLessThanOrEqual(complaintSmsMaxParts);
    expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('renderSms: properties', () => {
  const moneyArb = fc
    .tuple(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(...currencyCodes))
    .map(([amount, currency]) => money(amount, currency));

  it('shows any amount exactly as formatMoney writes it, up to the largest safe integer', () => {
    fc.assert(
      fc.property(moneyArb, fc.constantFrom<SmsLocale>('ar', 'en'), (value, locale) => {
        expect(render('payment_receipt', locale, { amount: value })).toContain(amountText(value, locale));
      }),
    );
    expect(render('payment_receipt', 'en', { amount: syp(Number.MAX_SAFE_INTEGER) })).toContain('SYP 90,071,992,547,409.91');
  });

  it('keeps English texts in GSM 7-bit for any amount in any supported currency and any due date', () => {
    const dateArb = fc
      .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(moneyArb, dateArb, fc.nat({ max: 60 }), (value, dueDate, daysBefore) => {
        const texts = [
          render('bill_issued', 'en', { amountDue: value, dueDate }),
          render('bill_reminder', 'en', { amountDue: value, dueDate, daysBefore }),
          render('bill_overdue', 'en', { amountDue: value, suspensionDate: dueDate }),
          render('payment_receipt', 'en', { amount: value }),
        ];
        for (const text of texts) expect(chooseEncoding(text)).toBe('gsm7');
      }),
    );
  });
});
