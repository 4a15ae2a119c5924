import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ConfigError, readJsonFile } from '../src/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'json-file-'));
const schema = z.object({ channels: z.array(z.object({ id: z.string().min(1) })) });

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('readJsonFile', () => {
  it('returns the validated content', () => {
    expect(readJsonFile('CHANNELS_FILE', file('ok.json', '{"channels":[{"id":"bank-alpha"}]}'), schema)).toEqual({ channels: [{ id: 'bank-alpha' }] });
  });

  it('names the variable, the file and the reason when the file is missing or not JSON', () => {
    const missing = path.join(dir, 'missing.json');
    expect(problemsOf(() => readJsonFile('CHANNELS_FILE', missing, schema))).toEqual([`CHANNELS_FILE cannot be read as JSON (${missing}: ENOENT)`]);
    const broken = file('broken.json', '{"channels": [');
    expect(problemsOf(() => readJsonFile('CHANNELS_FILE', broken, schema))[0]).toMatch(/^CHANNELS_FILE cannot be read as JSON \(.*broken\.json: /);
  });

  it('names every schema problem with its path', () => {
    const bad = file('bad.json', '{"channels":[{"id":""},{}]}');
    const problems = problemsOf(() => readJsonFile('CHANNELS_FILE', bad, schema));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(new RegExp(`^CHANNELS_FILE ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: channels\\.0\\.id: `));
    expect(problems[1]).toMatch(/: channels\.1\.id: /);
  });
});
