import { describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@gateway/kit';
import { defaultLateFeePolicyFile, readConfig, readLateFeePolicyFile } from '../src/config.ts';
import { defaultLateFeePolicy, LateFeePolicyError, loadLateFeePolicy } from '../src/domain/late-fee-policy.ts';

describe('late-fee policy configuration', () => {
  it('ships a policy file equal to the built-in default', () => {
    expect(readLateFeePolicyFile(defaultLateFeePolicyFile)).toEqual(defaultLateFeePolicy);
    expect(loadLateFeePolicy(JSON.parse(readFileSync(defaultLateFeePolicyFile, 'utf8')))).toEqual(defaultLateFeePolicy);
  });

  it('names every problem of a bad policy at once', () => {
    const bad = {
      name: 'x',
      classes: {
        individual: { ...defaultLateFeePolicy.classes.individual, steps: [{ kind: 'percent', daysAfterGrace: 0, basisPoints: 2.5 }] },
        business: { ...defaultLateFeePolicy.classes.business, cutOff: { oneWayAfterDays: 30, twoWayAfterDays: 10 } },
      },
    };
    let error: unknown;
    try {
      loadLateFeePolicy(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LateFeePolicyError);
    const text = (error as LateFeePolicyError).problems.join('\n');
    expect(text).toMatch(/classes\.individual\.steps\.0\.basisPoints: basisPoints must be an integer/);
    expect(text).toMatch(/classes\.business\.cutOff: cutOff\.twoWayAfterDays must be after oneWayAfterDays/);
    expect(text).toMatch(/classes\.public_entity/);
  });

  it('refuses to start with a broken policy file, naming the variable and the file', () => {
    const file = join(tmpdir(), `policy-${process.pid}-${Date.now()}.json`);
    writeFileSync(file, '{ "name": "x", ');
    const env = { DATABASE_URL: 'postgres://u:p@localhost/db', KAFKA_BROKERS: 'localhost:9092', REDIS_URL: 'redis://localhost:6379', LATE_FEE_POLICY_FILE: file };
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(/LATE_FEE_POLICY_FILE is not valid JSON/);
    expect(readConfig({ ...env, LATE_FEE_POLICY_FILE: undefined }).lateFeePolicy).toEqual(defaultLateFeePolicy);
  });
});
