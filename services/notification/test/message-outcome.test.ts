import { describe, expect, it } from '@jest/globals';
import { messageOutcomeOf } from '../src/domain/message-outcome.ts';
import type { PartState } from '../src/domain/message-outcome.ts';

const now = new Date('2026-03-01T10:00:00Z');
const part = (smscMessageId: string, state: string, doneAt: string | null = null): PartState => ({
  smscMessageId,
  state,
  errorCode: state === 'failed' ? '001' : null,
  doneAt: doneAt === null ? null : new Date(doneAt),
});

describe('messageOutcomeOf', () => {
  it('waits while a part is not recorded yet or still pending', () => {
    expect(messageOutcomeOf([part('a', 'delivered')], 2, now)).toEqual({ kind: 'undecided' });
    expect(messageOutcomeOf([part('a', 'delivered'), part('b', 'submitted')], 2, now)).toEqual({ kind: 'undecided' });
  });

  it('is delivered once every part is, at the latest part’s time', () => {
    const parts = [part('a', 'delivered', '2026-03-01T09:00:05Z'), part('b', 'delivered', '2026-03-01T09:00:03Z')];
    expect(messageOutcomeOf(parts, 2, now)).toEqual({ kind: 'delivered', at: new Date('2026-03-01T09:00:05Z'), lastPart: parts[1] });
  });

  it('counts a part without a receipt time as done now', () => {
    expect(messageOutcomeOf([part('a', 'delivered')], null, now)).toMatchObject({ kind: 'delivered', at: now });
  });

  it('is undelivered as soon as one part failed or expired, even with others pending', () => {
    expect(messageOutcomeOf([part('a', 'submitted'), part('b', 'failed')], 2, now)).toMatchObject({ kind: 'undelivered', state: 'failed', part: { smscMessageId: 'b' } });
    expect(messageOutcomeOf([part('a', 'expired'), part('b', 'delivered')], 2, now)).toMatchObject({ kind: 'undelivered', state: 'expired', part: { smscMessageId: 'a' } });
  });
});
