import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isDeliveryReceipt, parseDeliveryReceipt, parseReceiptDate, receiptTextFields } from '../src/domain/delivery-receipt.ts';
import type { ReceiptState } from '../src/domain/delivery-receipt.ts';

const id = '6f1c2a7e-93b4-4c1d-8a55-0d2e6b9f4a10';
const text = (stat: string, extra: Partial<{ id: string; err: string; done: string }> = {}): string =>
  `id:${extra.id ?? id} sub:001 dlvrd:001 submit date:2603151200 done date:${extra.done ?? '2603151201'} stat:${stat} err:${extra.err ?? '000'} text:Your bill is ready`;

describe('isDeliveryReceipt', () => {
  it('reads the message type from esm_class bits 2-5, whatever the other bits say', () => {
    expect(isDeliveryReceipt(0x04)).toBe(true);
    expect(isDeliveryReceipt(0x44)).toBe(true); // with UDHI
    expect(isDeliveryReceipt(0x20)).toBe(true); // intermediate delivery notification
    expect(isDeliveryReceipt(0x00)).toBe(false);
    expect(isDeliveryReceipt(0x40)).toBe(false); // a concatenated MO part
    expect(isDeliveryReceipt(0x08)).toBe(false); // SME delivery acknowledgement
    expect(isDeliveryReceipt(0x0c)).toBe(false);
  });
});

describe('parseDeliveryReceipt', () => {
  it('reads the appendix B text alone', () => {
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: text('DELIVRD') })).toEqual({
      smscMessageId: id,
      state: 'delivered',
      errorCode: '000',
      doneAt: new Date('2026-03-15T12:01:00Z'),
    });
  });

  it.each<[string, ReceiptState]>([
    ['DELIVRD', 'delivered'],
    ['EXPIRED', 'expired'],
    ['DELETED', 'failed'],
    ['UNDELIV', 'failed'],
    ['ACCEPTD', 'accepted'],
    ['UNKNOWN', 'unknown'],
    ['REJECTD', 'rejected'],
    ['ENROUTE', 'enroute'],
  ])('maps stat:%s to %s', (stat, state) => {
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: text(stat) })?.state).toBe(state);
  });

  it.each<[number, ReceiptState]>([
    [1, 'enroute'],
    [2, 'delivered'],
    [3, 'expired'],
    [4, 'failed'],
    [5, 'failed'],
    [6, 'accepted'],
    [7, 'unknown'],
    [8, 'rejected'],
  ])('maps message_state %i to %s', (messageState, state) => {
    expect(parseDeliveryReceipt({ esmClass: 0x04, receiptedMessageId: 'abc', messageState, text: '' })).toEqual({ smscMessageId: 'abc', state, errorCode: null, doneAt: null });
  });

  it('lets the TLVs win over the text', () => {
    const receipt = parseDeliveryReceipt({ esmClass: 0x04, receiptedMessageId: 'ABC123', messageState: 5, text: text('DELIVRD', { id: '11259375', err: '001' }) });
    expect(receipt).toEqual({ smscMessageId: 'ABC123', state: 'failed', errorCode: '001', doneAt: new Date('2026-03-15T12:01:00Z') });
  });

  it('falls back to the text for a TLV that is empty or out of range', () => {
    expect(parseDeliveryReceipt({ esmClass: 0x04, receiptedMessageId: '', messageState: 0, text: text('EXPIRED') })).toMatchObject({ smscMessageId: id, state: 'expired' });
    expect(parseDeliveryReceipt({ esmClass: 0x04, receiptedMessageId: null, messageState: 42, text: text('REJECTD') })).toMatchObject({ smscMessageId: id, state: 'rejected' });
  });

  it('takes the variants real SMSCs send: other case, 12-digit dates, underscores, missing fields', () => {
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: 'ID:77 SUB:001 DLVRD:001 SUBMIT DATE:260315120000 DONE DATE:260315120130 STAT:delivrd ERR:0 TEXT:' })).toEqual({
      smscMessageId: '77',
      state: 'delivered',
      errorCode: '0',
      doneAt: new Date('2026-03-15T12:01:30Z'),
    });
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: 'id:77 submit_date:2603151200 done_date:2603151205 stat:UNDELIV' })).toEqual({
      smscMessageId: '77',
      state: 'failed',
      errorCode: null,
      doneAt: new Date('2026-03-15T12:05:00Z'),
    });
  });

  it('does not take keys from inside the message snippet', () => {
    const receipt = parseDeliveryReceipt({ esmClass: 0x04, text: 'id:1 sub:001 dlvrd:000 submit date:2603151200 done date:2603151201 stat:UNDELIV err:034 text: stat:DELIVRD id:2' });
    expect(receipt).toMatchObject({ smscMessageId: '1', state: 'failed', errorCode: '034' });
    expect(receiptTextFields('id:1 stat:DELIVRD text:id:9 err:1')).toEqual({ id: '1', stat: 'DELIVRD', text: 'id:9 err:1' });
  });

  it('keeps the receipt but no date when the done date is not a real date', () => {
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: text('DELIVRD', { done: '2602311200' }) })).toMatchObject({ state: 'delivered', doneAt: null });
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: text('DELIVRD', { done: 'yesterday' }) })).toMatchObject({ state: 'delivered', doneAt: null });
    expect(parseReceiptDate('2613011200')).toBeNull();
    expect(parseReceiptDate('2603152460')).toBeNull();
    expect(parseReceiptDate('2602281200')).toEqual(new Date('2026-02-28T12:00:00Z'));
  });

  it('returns null when it cannot tell which message or what became of it', () => {
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: 'garbage' })).toBeNull();
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: '' })).toBeNull();
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: null })).toBeNull();
    // An id but no state, or a state nobody defined.
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: 'id:5 sub:001 dlvrd:001' })).toBeNull();
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: text('SENT') })).toBeNull();
    // A state but no id.
    expect(parseDeliveryReceipt({ esmClass: 0x04, messageState: 2, text: 'stat:DELIVRD err:000' })).toBeNull();
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: 'id: stat:DELIVRD' })).toBeNull();
    // Not a receipt at all.
    expect(parseDeliveryReceipt({ esmClass: 0x00, text: text('DELIVRD') })).toBeNull();
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.option(fc.integer({ min: -1, max: 300 })), fc.option(fc.string({ maxLength: 70 })), (t, messageState, receiptedMessageId) => {
        const receipt = parseDeliveryReceipt({ esmClass: 0x04, text: t, messageState, receiptedMessageId });
        if (receipt !== null) expect(receipt.smscMessageId).not.toBe('');
      }),
      { numRuns: 500 },
    );
  });
});
