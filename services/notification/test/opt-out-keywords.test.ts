import { describe, expect, it } from '@jest/globals';
import { optCommandOf } from '../src/domain/opt-out-keywords.ts';

describe('optCommandOf', () => {
  it.each(['STOP', 'stop', ' Stop. ', 'STOP!', 'stop sending reminders', 'توقف', 'إيقاف', 'UNSUBSCRIBE'])('"%s" opts out', (text) => {
    expect(optCommandOf(text)).toBe('opt_out');
  });

  it.each(['START', 'start', 'ابدأ', 'Subscribe'])('"%s" opts back in', (text) => {
    expect(optCommandOf(text)).toBe('opt_in');
  });

  it.each(['', '   ', 'please do not stop my line', 'STOPS', 'hello', '١٢٣'])('"%s" is not a command', (text) => {
    expect(optCommandOf(text)).toBeNull();
  });
});
