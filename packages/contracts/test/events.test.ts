import { describe, it, expect } from '@jest/globals';
import {
  EventValidationError,
  allTopicSpecs,
  createEvent,
  dlqTopicOf,
  eventCatalog,
  eventDefinitions,
  eventTopicOf,
  eventTypes,
  eventTypesOnTopic,
  findEventDefinition,
  isEventOf,
  parseEvent,
  topicNames,
  topics,
} from '../src/index.ts';
import type { AnyEvent, EventOf, EventType } from '../src/index.ts';

const required: EventType[] = [
  'bill.issued',
  'bill.late-fee-applied',
  'bill.overdue',
  'bill.settled',
  'bill.reopened',
  'payment.completed',
  'payment.reversed',
  'intent.created',
  'intent.requires-confirmation',
  'intent.succeeded',
  'intent.failed',
  'intent.canceled',
  'intent.unknown',
  'intent.reconciliation-required',
  'channel.debit-requested',
  'channel.otp-submitted',
  'channel.status-requested',
  'channel.debit-succeeded',
  'channel.debit-failed',
  'channel.otp-required',
  'channel.debit-unknown',
  'channel.health-changed',
  'channel.health-reported',
  'channel.settlement-file-fetched',
  'notification.sms-sent',
  'notification.sms-delivered',
  'notification.sms-failed',
  'complaint.logged',
  'complaint.resolved',
  'complaint.assigned',
  'complaint.escalated',
  'complaint.rejected',
];

const expectedTopic = (type: string): string => {
  if (type.startsWith('bill.')) return 'billing.bills';
  if (type.startsWith('payment.')) return 'payments.payments';
  if (type.startsWith('intent.')) return 'payments.intents';
  if (type.startsWith('notification.')) return 'notifications.deliveries';
  if (type.startsWith('complaint.')) return 'payments.complaints';
  if (type.startsWith('reconciliation.')) return 'payments.reconciliations';
  return ['channel.debit-requested', 'channel.otp-submitted', 'channel.status-requested', 'channel.refund-requested'].includes(type)
    ? 'channels.commands'
    : 'channels.results';
};

const meta = { producer: 'test', key: 'k-1', correlationId: 'corr-1' };

describe('event catalogue', () => {
  it('contains every required type, each on its topic', () => {
    for (const type of required) expect(eventTypes).toContain(type);
    for (const type of eventTypes) {
      expect(eventCatalog[type].type).toBe(type);
      expect(eventTopicOf(type)).toBe(expectedTopic(type));
      expect(eventCatalog[type].version).toBeGreaterThanOrEqual(1);
      expect(findEventDefinition(type, eventCatalog[type].version)).toBe(eventCatalog[type]);
    }
    expect(new Set(eventDefinitions.map((d) => `${d.type}@${d.version}`)).size).toBe(eventDefinitions.length);
  });

  it('names topics with partition counts and a DLQ each', () => {
    expect(topics['billing.bills'].partitions).toBe(6);
    expect(topics['payments.payments'].partitions).toBe(6);
    expect(topics['payments.intents'].partitions).toBe(3);
    expect(dlqTopicOf('payments.payments')).toBe('payments.payments.dlq');
    expect(allTopicSpecs()).toHaveLength(topicNames.length * 2);
    expect(eventTypesOnTopic('channels.commands').sort()).toEqual([
      'channel.debit-requested',
      'channel.otp-submitted',
      'channel.refund-requested',
      'channel.status-requested',
    ]);
  });
});

describe('createEvent / parseEvent', () => {
  it.each(eventTypes)('round-trips %s with its example payload', (type) => {
    const definition = eventCatalog[type];
    const event = createEvent(type, { ...meta, payload: definition.example });
    expect(event.type).toBe(type);
    expect(event.version).toBe(definition.version);
    expect(event.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event.occurredAt).toMatch(/Z$/);
    expect(event.causationId).toBeNull();
    // Through JSON and bytes, as on Kafka.
    const wire = Buffer.from(JSON.stringify(event));
    const parsed = parseEvent(wire);
    expect(parsed).toEqual(event);
    expect(parseEvent(JSON.parse(wire.toString()))).toEqual(event);
  });

  it('gives consumers typed payloads', () => {
    const event: EventOf<'payment.completed'> = createEvent('payment.completed', {
      ...meta,
      causationId: 'evt-0',
      payload: eventCatalog['payment.completed'].example,
    });
    const parsed: AnyEvent = parseEvent(JSON.stringify(event));
    if (!isEventOf(parsed, 'payment.completed')) throw new Error('expected payment.completed');
    const first = parsed.payload.allocations[0];
    expect(first?.amount.currency).toBe('SYP');
    expect(parsed.causationId).toBe('evt-0');
    // A switch over the union narrows the payload by type.
    const describeEvent = (e: AnyEvent): string => {
      switch (e.type) {
        case 'bill.settled':
          return e.payload.settledAt;
        case 'payment.completed':
          return e.payload.receiptNo;
        default:
          return e.type;
      }
    };
    expect(describeEvent(parsed)).toBe('R-20260520-000417');
  });

  it('refuses to create an event with a bad payload, naming the field', () => {
    const payload = { ...eventCatalog['payment.completed'].example, amount: { amount: 1500.5, currency: 'SYP' as const } };
    expect(() => createEvent('payment.completed', { ...meta, payload })).toThrow(/payload\.amount\.amount/);
  });

  it('rejects a bad payload with a message naming every failing field path', () => {
    const event = createEvent('bill.issued', { ...meta, payload: eventCatalog['bill.issued'].example });
    const bad = { ...event, payload: { ...event.payload, dueDate: '2026-02-30', amountDue: { amount: 10, currency: 'syp' }, accountNo: undefined } };
    let caught: unknown;
    try {
      parseEvent(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EventValidationError);
    const err = caught as EventValidationError;
    expect(err.message).toContain('bill.issued v1');
    expect(err.message).toContain('payload.dueDate');
    expect(err.message).toContain('payload.amountDue.currency');
    expect(err.message).toContain('payload.accountNo');
    expect(err.eventId).toBe(event.eventId);
    expect(err.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['payload.dueDate', 'payload.accountNo']));
  });

  it('names array indexes in paths', () => {
    const event = createEvent('payment.completed', { ...meta, payload: eventCatalog['payment.completed'].example });
    const bad = { ...event, payload: { ...event.payload, allocations: [{ billId: 'b', externalBillId: 'x', amount: { amount: 'ten', currency: 'SYP' } }] } };
    expect(() => parseEvent(bad)).toThrow(/payload\.allocations\[0\]\.amount\.amount/);
  });

  it('checks cross-field rules: allocations must add up to the amount', () => {
    const event = createEvent('payment.completed', { ...meta, payload: eventCatalog['payment.completed'].example });
    const bad = { ...event, payload: { ...event.payload, amount: { amount: 1, currency: 'SYP' } } };
    expect(() => parseEvent(bad)).toThrow(/payload\.allocations: allocations must/);
  });

  it('rejects a bad envelope, an unknown version and non-JSON', () => {
    const event = createEvent('intent.created', { ...meta, payload: eventCatalog['intent.created'].example });
    expect(() => parseEvent({ ...event, eventId: 'not-a-uuid' })).toThrow(/eventId/);
    // A v4 UUID is not a v7.
    expect(() => parseEvent({ ...event, eventId: '9b2f4c1e-3d5a-4e6f-8a7b-0c1d2e3f4a5b' })).toThrow(/eventId/);
    expect(() => parseEvent({ ...event, occurredAt: '2026-05-20T12:00:00+03:00' })).toThrow(/occurredAt/);
    expect(() => parseEvent({ ...event, version: 99 })).toThrow(/intent\.created v99/);
    expect(() => parseEvent({ ...event, type: 'intent.teleported' })).toThrow(EventValidationError);
    expect(() => parseEvent('{not json')).toThrow(/not valid JSON/);
    expect(() => parseEvent(null)).toThrow(EventValidationError);
  });

  it('tolerates fields added within a version (forward compatibility) and strips them', () => {
    const event = createEvent('bill.settled', { ...meta, payload: eventCatalog['bill.settled'].example });
    const withExtra = { ...event, payload: { ...event.payload, newField: 1 } };
    expect(parseEvent(withExtra).payload).not.toHaveProperty('newField');
  });

  it('accepts explicit ids, timestamps and versions', () => {
    const event = createEvent('bill.overdue', {
      ...meta,
      version: 1,
      eventId: '0196f3a2-7c10-7d2e-9f4a-1b2c3d4e5f60',
      occurredAt: new Date('2026-06-01T00:00:00Z'),
      payload: eventCatalog['bill.overdue'].example,
    });
    expect(event.eventId).toBe('0196f3a2-7c10-7d2e-9f4a-1b2c3d4e5f60');
    expect(event.occurredAt).toBe('2026-06-01T00:00:00.000Z');
  });
});
