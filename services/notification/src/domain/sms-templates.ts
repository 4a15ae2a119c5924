// The SMS texts, in Arabic (the default) and English, keyed by the contracts' template names so that
// `notification.sms-sent` names exactly what was rendered. Texts are short on purpose: every UCS-2
// part holds only 67 characters, and each part is paid for. Each one that asks for money says how to
// pay electronically, which is the point of the whole programme.
//
// Amounts go through the contracts' `formatMoney` (integer minor units to an exact decimal string, no
// float); dates are business dates (calendar days in Asia/Damascus). Arabic uses Arabic-Indic digits
// for amounts, dates and counts, as Intl's 'ar-SY' does; account and receipt numbers stay as issued,
// since the subscriber may have to type them into an app or read them to an agent.
import { formatMoney } from '@gateway/contracts';
import type { BusinessDate, ComplaintType, Money, SmsTemplate } from '@gateway/contracts';
import { splitSms } from './sms-segments.ts';

export type SmsLocale = 'ar' | 'en';
export const defaultSmsLocale: SmsLocale = 'ar';

export type SuspensionKind = 'one_way' | 'two_way';

/** What each template needs; the consumers take it from the bill.*, payment.* and intent.* events. */
export type SmsTemplateData = {
  /**
   * `feeOrder`: set when the bill is a government fee order (issue 16; its accountNo is the orderRef):
   * the text names the authority (`biller`, in the message's language) and the order, not a line, and
   * the instant it expires (`expiresAt`, RFC 3339; its day, `dueDate`, when the snapshot has none).
   */
  bill_issued: { accountNo: string; amountDue: Money; dueDate: BusinessDate; feeOrder?: { biller: string; expiresAt: string | null } | undefined };
  /** `daysBefore`: the configured lead of the reminder (0 = due today). */
  bill_reminder: { accountNo: string; amountDue: Money; dueDate: BusinessDate; daysBefore: number };
  late_fee_applied: { accountNo: string; fee: Money; amountDue: Money };
  bill_overdue: { accountNo: string; amountDue: Money; suspensionDate: BusinessDate; suspensionKind: SuspensionKind };
  /** `restoreService`: the payment lifts a suspension (bill.settled carries it). */
  bill_settled: { accountNo: string; restoreService: boolean };
  /** `channel`: the bank or wallet as the subscriber knows it, already in the message's language. */
  payment_receipt: { accountNo: string; amount: Money; receiptNo: string; channel: string; biller?: string | undefined };
  payment_reversed: { accountNo: string; amount: Money; receiptNo: string; biller?: string | undefined };
  intent_unknown: { accountNo: string; amount: Money };
  /** `amount`: what went back to the payer (the whole debit, fee included). */
  /**
   * `biller`: a fee order's authority. Its debit may have bought nothing because another payment paid
   * the order or because the order expired first, so that text says neither.
   */
  intent_refunded: { accountNo: string; amount: Money; biller?: string | undefined };
  /** An operator's campaign text, per locale, sent as written. */
  campaign: { text: string };
  /** `optedOut`: the subscriber sent STOP (true) or START (false). */
  opt_out_confirmation: { optedOut: boolean };
  /** `complaintId`: the reference the customer quotes; `dueDate`: the turnaround's day in Asia/Damascus. */
  complaint_logged: { complaintId: string; type: ComplaintType; dueDate: BusinessDate };
  /** `resolution`: what the operator (or the automatic check) wrote, shortened to fit (see fitted). */
  complaint_resolved: { complaintId: string; resolution: string };
  complaint_rejected: { complaintId: string; resolution: string };
};

/**
 * A complaint's answer quotes the resolution as written (up to 2,000 characters): it is shortened so
 * that the whole SMS stays within this many parts (3 UCS-2 parts: about 200 characters of Arabic).
 */
export const complaintSmsMaxParts = 3;

const complaintTypeAr: Record<ComplaintType, string> = {
  paid_not_settled: 'دفعة لم تُسدِّد الفاتورة',
  double_debit: 'اقتطاع مكرر',
  wrong_amount: 'مبلغ غير صحيح',
  refund_not_received: 'مبلغ مُعاد لم يصل',
  no_sms: 'رسالة لم تصل',
};

const complaintTypeEn: Record<ComplaintType, string> = {
  paid_not_settled: 'paid but bill not settled',
  double_debit: 'charged twice',
  wrong_amount: 'wrong amount',
  refund_not_received: 'refund not received',
  no_sms: 'SMS not received',
};

type Renderers = { [T in SmsTemplate]: (data: SmsTemplateData[T]) => string };

const payHowAr = 'ادفع إلكترونياً عبر تطبيق مصرفك أو محفظتك.';
const payHowEn = 'Pay electronically in your bank app or e-wallet.';

const arabic: Renderers = {
  bill_issued: (d) =>
    d.feeOrder === undefined
      ? `صدرت فاتورة الرقم ${d.accountNo} بمبلغ ${amountAr(d.amountDue)}، وتستحق في ${dateAr(d.dueDate)}. ${payHowAr}`
      : `رسم طلبك لدى ${d.feeOrder.biller} رقم ${d.accountNo} بمبلغ ${amountAr(d.amountDue)}، ادفعه ${
          d.feeOrder.expiresAt === null ? `قبل نهاية ${dateAr(d.dueDate)}` : `قبل ${dateTimeAr(d.feeOrder.expiresAt)}`
        }. ${payHowAr}`,
  bill_reminder: (d) =>
    `تذكير: فاتورة الرقم ${d.accountNo} بمبلغ ${amountAr(d.amountDue)} تستحق ${whenAr(d.daysBefore)} في ${dateAr(d.dueDate)}. ${payHowAr}`,
  late_fee_applied: (d) =>
    `أصبح المبلغ المستحق ${amountAr(d.amountDue)} بعد إضافة غرامة تأخير ${amountAr(d.fee)} إلى فاتورة الرقم ${d.accountNo}. ${payHowAr}`,
  bill_overdue: (d) =>
    `فاتورة الرقم ${d.accountNo} بمبلغ ${amountAr(d.amountDue)} متأخرة عن الدفع. ` +
    `${d.suspensionKind === 'one_way' ? 'ستتوقف المكالمات الصادرة' : 'سيُقطع الخط'} في ${dateAr(d.suspensionDate)} إن لم تُدفع. ${payHowAr}`,
  bill_settled: (d) => `سُددت فاتورة الرقم ${d.accountNo} بالكامل${d.restoreService ? ' وطُلبت إعادة الخدمة' : ''}. شكراً لك.`,
  payment_receipt: (d) =>
    d.biller === undefined
      ? `استلمنا دفعتك بمبلغ ${amountAr(d.amount)} للرقم ${d.accountNo} عبر ${d.channel}. رقم الإيصال: ${d.receiptNo}. شكراً لك.`
      : `استلمنا دفعتك بمبلغ ${amountAr(d.amount)} لطلبك لدى ${d.biller} رقم ${d.accountNo} عبر ${d.channel}. رقم الإيصال: ${d.receiptNo}. شكراً لك.`,
  payment_reversed: (d) =>
    d.biller === undefined
      ? `أُلغيت دفعتك بمبلغ ${amountAr(d.amount)} للرقم ${d.accountNo}، رقم الإيصال: ${d.receiptNo}. أصبحت الفاتورة مستحقة الدفع من جديد.`
      : `أُلغيت دفعتك بمبلغ ${amountAr(d.amount)} لطلبك لدى ${d.biller} رقم ${d.accountNo}، رقم الإيصال: ${d.receiptNo}. لم يعد الطلب مدفوعاً.`,
  intent_unknown: (d) => `دفعتك بمبلغ ${amountAr(d.amount)} للرقم ${d.accountNo} قيد التأكيد، لا تدفع مجدداً.`,
  intent_refunded: (d) =>
    d.biller === undefined
      ? `سُددت فاتورة الرقم ${d.accountNo} بدفعة أخرى، فأُعيد إليك مبلغ ${amountAr(d.amount)} الذي اقتُطع منك.`
      : `أُعيد إليك مبلغ ${amountAr(d.amount)} الذي اقتُطع منك لطلبك لدى ${d.biller} رقم ${d.accountNo}، إذ لم يعد الطلب قابلاً للدفع به.`,
  campaign: (d) => d.text,
  opt_out_confirmation: (d) =>
    d.optedOut
      ? 'لن تصلك رسائل التذكير والحملات بعد الآن. ستصلك الإيصالات وإشعارات الفواتير. لإعادة الاشتراك أرسل START.'
      : 'أُعيد اشتراكك في رسائل التذكير والحملات. لإيقافها أرسل STOP.',
  complaint_logged: (d) => `سجّلنا شكواك (${complaintTypeAr[d.type]}) برقم ${d.complaintId}، وسنرد عليها قبل ${dateAr(d.dueDate)}.`,
  complaint_resolved: (d) => fitted((r) => `حُلّت شكواك رقم ${d.complaintId}: ${r}`, d.resolution, '…'),
  complaint_rejected: (d) => fitted((r) => `لم تُقبل شكواك رقم ${d.complaintId}: ${r}`, d.resolution, '…'),
};

const english: Renderers = {
  bill_issued: (d) =>
    d.feeOrder === undefined
      ? `Your bill for ${d.accountNo} is ${amountEn(d.amountDue)}, due ${dateEn(d.dueDate)}. ${payHowEn}`
      : `The fee of your ${d.feeOrder.biller} order ${d.accountNo} is ${amountEn(d.amountDue)}; pay it ${
          d.feeOrder.expiresAt === null ? `by ${dateEn(d.dueDate)}` : `before ${dateTimeEn(d.feeOrder.expiresAt)}`
        }. ${payHowEn}`,
  bill_reminder: (d) =>
    `Reminder: your bill for ${d.accountNo} of ${amountEn(d.amountDue)} is due ${whenEn(d.daysBefore)}, ${dateEn(d.dueDate)}. ${payHowEn}`,
  late_fee_applied: (d) =>
    `A late fee of ${amountEn(d.fee)} was added to the bill for ${d.accountNo}. Now due: ${amountEn(d.amountDue)}. ${payHowEn}`,
  bill_overdue: (d) =>
    `Your bill for ${d.accountNo} is overdue: ${amountEn(d.amountDue)}. ` +
    `${d.suspensionKind === 'one_way' ? 'Outgoing calls will be barred' : 'The line will be cut'} on ${dateEn(d.suspensionDate)} unless paid. Pay now in your bank app or e-wallet.`,
  bill_settled: (d) => `The bill for ${d.accountNo} is fully paid.${d.restoreService ? ' Your line is being restored.' : ''} Thank you.`,
  payment_receipt: (d) =>
    d.biller === undefined
      ? `Payment received: ${amountEn(d.amount)} for ${d.accountNo} via ${d.channel}. Receipt no. ${d.receiptNo}. Thank you.`
      : `Payment received: ${amountEn(d.amount)} for your ${d.biller} order ${d.accountNo} via ${d.channel}. Receipt no. ${d.receiptNo}. Thank you.`,
  payment_reversed: (d) =>
    d.biller === undefined
      ? `Your payment of ${amountEn(d.amount)} for ${d.accountNo} (receipt ${d.receiptNo}) was reversed. The bill is due again.`
      : `Your payment of ${amountEn(d.amount)} for your ${d.biller} order ${d.accountNo} (receipt ${d.receiptNo}) was reversed. The order is unpaid.`,
  intent_unknown: (d) => `Your payment of ${amountEn(d.amount)} for ${d.accountNo} is being confirmed. Do not pay again.`,
  intent_refunded: (d) =>
    d.biller === undefined
      ? `The bill for ${d.accountNo} was paid by another payment, so the ${amountEn(d.amount)} taken from you was given back.`
      : `The ${amountEn(d.amount)} taken from you for your ${d.biller} order ${d.accountNo} was given back: the order could no longer be paid with it.`,
  campaign: (d) => d.text,
  opt_out_confirmation: (d) =>
    d.optedOut
      ? 'You will no longer get reminders or campaign messages. Receipts and bill notices still come. Reply START to resume.'
      : 'Reminders and campaign messages are back on. Reply STOP to end them.',
  complaint_logged: (d) => `We logged your complaint (${complaintTypeEn[d.type]}), reference ${d.complaintId}. We will answer by ${dateEn(d.dueDate)}.`,
  complaint_resolved: (d) => fitted((r) => `Your complaint ${d.complaintId} is resolved: ${r}`, d.resolution, '...'),
  complaint_rejected: (d) => fitted((r) => `Your complaint ${d.complaintId} was not upheld: ${r}`, d.resolution, '...'),
};

const renderers: Record<SmsLocale, Renderers> = { ar: arabic, en: english };

/** The text of one SMS. Pure: the same template, locale and data always give the same text. */
export function renderSms<T extends SmsTemplate>(template: T, locale: SmsLocale, data: SmsTemplateData[T]): string {
  const render = renderers[locale][template] as (d: SmsTemplateData[T]) => string;
  return render(data);
}

/**
 * `render(text)` with `text` shortened, at a word where one ends near the cut and with `ellipsis`,
 * to the longest that keeps the SMS within complaintSmsMaxParts. Line breaks and runs of spaces in
 * an operator's note become one space (a handset shows them poorly, and they cost a unit each).
 * Cut by code point, so a surrogate pair is never split.
 */
function fitted(render: (text: string) => string, text: string, ellipsis: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const whole = render(clean);
  if (partsOf(whole) <= complaintSmsMaxParts) return whole;
  const chars = Array.from(clean);
  const cutAt = (n: number) => render(`${wordCut(chars, n)}${ellipsis}`);
  // The cut text only grows with n, so the longest that fits is found by bisection.
  let lo = 0;
  let hi = chars.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (partsOf(cutAt(mid)) <= complaintSmsMaxParts) lo = mid;
    else hi = mid - 1;
  }
  return cutAt(lo);
}

function wordCut(chars: readonly string[], n: number): string {
  const head = chars.slice(0, n).join('');
  const space = head.lastIndexOf(' ');
  return (space > 0 && space >= head.length - 15 ? head.slice(0, space) : head).trimEnd();
}

function partsOf(text: string): number {
  return splitSms(text, 0).parts.length;
}

function amountAr(value: Money): string {
  return formatMoney(value, 'ar-SY');
}

// Intl puts a no-break space between the currency code and the number ("SYP 12,345.67"). U+00A0 is
// not in the GSM alphabet, so left alone it would force every English SMS into UCS-2 and cut a part
// from 160 to 70 characters. A plain space reads the same.
function amountEn(value: Money): string {
  return gsmSpaces(formatMoney(value, 'en'));
}

function gsmSpaces(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ');
}

const arDate = new Intl.DateTimeFormat('ar-SY', { timeZone: 'Asia/Damascus', day: 'numeric', month: 'long', year: 'numeric' });
const enDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Damascus', day: 'numeric', month: 'short', year: 'numeric' });
const arNumber = new Intl.NumberFormat('ar-SY', { maximumFractionDigits: 0 });

// A business date is a calendar day in Asia/Damascus. Noon UTC of that day falls on the same day in
// Damascus (UTC+3), and stays on it for any offset within ±11 h, should the zone's rules change again.
function instantOf(date: BusinessDate): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a business date: ${date}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12));
}

function dateAr(date: BusinessDate): string {
  return arDate.format(instantOf(date));
}

function dateEn(date: BusinessDate): string {
  return gsmSpaces(enDate.format(instantOf(date)));
}

// A fee order's expiry is an instant, not a day: the day and the time it falls on in Damascus.
const arDateTime = new Intl.DateTimeFormat('ar-SY', { timeZone: 'Asia/Damascus', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const enDateTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Damascus', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function dateTimeAr(instant: string): string {
  return arDateTime.format(new Date(instant));
}

function dateTimeEn(instant: string): string {
  return gsmSpaces(enDateTime.format(new Date(instant)));
}

function checkDays(days: number): number {
  if (!Number.isSafeInteger(days) || days < 0) throw new RangeError(`daysBefore ${days} must be a non-negative integer`);
  return days;
}

// Arabic counts agree with the number: يوم واحد، يومان، ٣–١٠ أيام، ١١ فما فوق يوماً.
function whenAr(daysBefore: number): string {
  const days = checkDays(daysBefore);
  if (days === 0) return 'اليوم';
  if (days === 1) return 'غداً';
  if (days === 2) return 'بعد يومين';
  const n = arNumber.format(days);
  const lastTwo = days % 100;
  if (lastTwo >= 3 && lastTwo <= 10) return `بعد ${n} أيام`;
  if (lastTwo === 1 || lastTwo === 2 || lastTwo === 0) return `بعد ${n} يوم`;
  return `بعد ${n} يوماً`;
}

function whenEn(daysBefore: number): string {
  const days = checkDays(daysBefore);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `in ${days} days`;
}
