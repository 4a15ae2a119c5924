// What a subscriber's reply means. Handsets and people vary: "stop", " STOP.", "Stop please" and the
// Arabic words all count; anything else is not a command (it is logged, not answered). Only the first
// word decides, so a reply such as "stop sending reminders" is an opt-out, while a sentence that
// merely contains "stop" later on is not.
export type OptCommand = 'opt_out' | 'opt_in';

const optOut = new Set(['STOP', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'توقف', 'إيقاف', 'ايقاف', 'الغاء', 'إلغاء']);
const optIn = new Set(['START', 'SUBSCRIBE', 'UNSTOP', 'ابدأ', 'ابدا', 'اشتراك']);

export function optCommandOf(text: string): OptCommand | null {
  const first = text
    .normalize('NFC')
    .trim()
    .split(/\s+/u)[0]
    ?.replace(/[\p{P}\p{S}]+$/u, '')
    .toUpperCase();
  if (first === undefined || first === '') return null;
  if (optOut.has(first)) return 'opt_out';
  if (optIn.has(first)) return 'opt_in';
  return null;
}

/**
 * Opting out stops these; receipts, notices about money owed and the answers to a customer's own
 * complaint (complaint_*) are never stopped.
 */
export const optOutTemplates: ReadonlySet<string> = new Set(['bill_reminder', 'campaign']);
