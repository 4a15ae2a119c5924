import { describe, expect, it } from '@jest/globals';
import { reminderKey, reminderTargets } from '../src/domain/reminders.ts';

describe('reminderTargets', () => {
  it('is empty before the local reminder time and names each lead after it', () => {
    // 09:59 and 10:00 in Damascus (UTC+3).
    expect(reminderTargets(new Date('2026-11-29T06:59:00Z'), [3, 1], '10:00')).toEqual([]);
    expect(reminderTargets(new Date('2026-11-29T07:00:00Z'), [3, 1], '10:00')).toEqual([
      { dueDate: '2026-12-02', daysBefore: 3, sendAt: new Date('2026-11-29T07:00:00Z') },
      { dueDate: '2026-11-30', daysBefore: 1, sendAt: new Date('2026-11-29T07:00:00Z') },
    ]);
  });

  it('uses the business date, not the UTC one, near midnight', () => {
    // 2026-11-29T22:30Z is already 30 November, 01:30, in Damascus.
    expect(reminderTargets(new Date('2026-11-29T22:30:00Z'), [0], '00:30')).toEqual([
      { dueDate: '2026-11-30', daysBefore: 0, sendAt: new Date('2026-11-29T21:30:00Z') },
    ]);
  });

  it('ignores a lead configured twice', () => {
    expect(reminderTargets(new Date('2026-11-29T12:00:00Z'), [3, 3], '10:00')).toHaveLength(1);
  });

  it('keys a reminder by bill, due date, lead and recipient', () => {
    expect(reminderKey('b1', '2026-12-02', 3, '+963944000001')).toBe('bill_reminder:b1:2026-12-02:3:+963944000001');
    expect(reminderKey('b1', '2026-12-02', 1, '+963944000001')).not.toBe(reminderKey('b1', '2026-12-02', 3, '+963944000001'));
  });
});
