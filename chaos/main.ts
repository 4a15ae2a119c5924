// The fault suite (issue 13): `npm run chaos [-- --short] [--seed N] [--keep-data]`.
//
// Starts its own stack (chaos/stack.ts) in .data/chaos, drives the mixed load (chaos/load.ts) and runs
// each scenario (chaos/scenarios.ts) under it: the fault at a random moment of the load window, undone
// after its downtime; then the load stops and the invariant checker (chaos/invariants.ts) is asked every
// 2 s, for a bounded settle time, whether everything holds. Recovery time is from the fault to the first
// check that holds. One line per scenario as it ends, then the table, the violations and
// `N passed, N failed`; exit 1 on any failure. The data folder is kept when something failed (its logs
// are the report), deleted otherwise.
//
// The checker reads the whole system, so damage one scenario did is still there in the next one: a
// scenario is judged on the violations that were not already seen (same invariant and detail) at the end
// of an earlier one, and its acknowledged/lost/duplicated are what the totals grew by during it.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkInvariants, stopInvariantChecker } from './invariants.ts';
import { prepareLoad, prng } from './load.ts';
import { runCheckerSelfTest } from './planted-defects.ts';
import { heal, scenarios } from './scenarios.ts';
import type { Scenario } from './scenarios.ts';
import { chaosIntentTiming, startChaosStack, wipeChaosData } from './stack.ts';
import type { ChaosStack, InvariantReport, LoadGenerator, Violation } from './types.ts';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    seed: { type: 'string' },
    'keep-data': { type: 'boolean', default: false },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 1_000_000) : Number(values.seed);
if (!Number.isSafeInteger(seed) || seed < 0) throw new Error('--seed must be a non-negative integer');

// The two profiles. The full one has to end within 20 minutes on a 2-core machine; the short one (CI)
// within a few. The hard bound stops everything whatever is still awaited.
const profile = values.short
  ? { name: 'short', windowMs: 20_000, settleMs: 90_000, hardBoundMs: 12 * 60_000, ratePerSecond: 20 }
  : { name: 'full', windowMs: 30_000, settleMs: 120_000, hardBoundMs: 30 * 60_000, ratePerSecond: 20 };
const chosen = scenarios.filter((s) => !values.short || s.short);
const checkEveryMs = 2_000;
const listedPerScenario = 20;
const dataDir = path.resolve(import.meta.dirname, '../.data/chaos');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sleepUntil = (t: number): Promise<void> => sleep(Math.max(0, t - Date.now()));
const say = (line: string): void => console.log(`[chaos] ${line}`);
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const random = prng(seed);

interface Row {
  scenario: string;
  sent: number;
  acknowledged: number;
  lost: number;
  duplicated: number;
  recoveryMs?: number;
  /**
   * From the load's stop to all invariants holding: the recovery time includes the rest of the load
   * window, this is the catching-up alone (outboxes, consumers, receipts, intents).
   */
  settledMs?: number;
  passed: boolean;
  /** Violations not seen before this scenario, and the scenario's own errors (a fault that did not take). */
  violations: Violation[];
}

const startedAt = Date.now();
let stack: ChaosStack | undefined;
let ending = false;

/** Stops everything, keeping the data folder for its logs, and exits. */
async function abort(why: string, code: number): Promise<never> {
  if (!ending) {
    ending = true;
    console.error(`[chaos] ${why}: stopping everything`);
    await Promise.race([stack?.stop({ keepData: true }), sleep(60_000)]).catch((error: unknown) => console.error(message(error)));
    console.error(`[chaos] logs and data kept in ${dataDir}`);
  }
  process.exit(code);
}
const watchdog = setTimeout(() => void abort(`hard time bound of ${seconds(profile.hardBoundMs)} reached`, 2), profile.hardBoundMs);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void abort(signal, 130));

const key = (v: Violation): string => `${v.invariant}\u0000${v.detail}`;
const known = new Set<string>();
let totals = { acknowledged: 0, lost: 0, duplicated: 0 };

/** Polls the checker until it finds nothing new or the settle time runs out. */
async function settle(s: ChaosStack, load: LoadGenerator, settleMs: number): Promise<{ report?: InvariantReport; fresh: Violation[]; heldAt?: number }> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    let report: InvariantReport | undefined;
    let fresh: Violation[];
    try {
      report = await checkInvariants(s, load.operations(), { intentGraceMs: chaosIntentTiming.reconciliationGraceMs });
      fresh = report.violations.filter((v) => !known.has(key(v)));
    } catch (error) {
      fresh = [{ invariant: 'checker', detail: `the invariant checker failed: ${message(error)}` }];
    }
    if (report !== undefined && fresh.length === 0) return { report, fresh, heldAt: Date.now() };
    if (Date.now() + checkEveryMs > deadline) return { report, fresh };
    await sleep(checkEveryMs);
  }
}

function rowOf(name: string, load: LoadGenerator, result: Awaited<ReturnType<typeof settle>>, own: Violation[], faultAt: number, loadStoppedAt: number): Row {
  const report = result.report;
  const row: Row = {
    scenario: name,
    sent: load.operations().filter((op) => op.scenario === name).length,
    acknowledged: Math.max(0, (report?.acknowledged ?? totals.acknowledged) - totals.acknowledged),
    lost: Math.max(0, (report?.lost ?? totals.lost) - totals.lost),
    duplicated: Math.max(0, (report?.duplicated ?? totals.duplicated) - totals.duplicated),
    passed: own.length === 0 && result.heldAt !== undefined,
    violations: [...own, ...result.fresh],
    ...(result.heldAt !== undefined ? { recoveryMs: result.heldAt - faultAt, settledMs: result.heldAt - loadStoppedAt } : {}),
  };
  if (report) {
    totals = { acknowledged: report.acknowledged, lost: report.lost, duplicated: report.duplicated };
    for (const v of report.violations) known.add(key(v));
  }
  return row;
}

async function runScenario(s: ChaosStack, load: LoadGenerator, scenario: Scenario): Promise<Row> {
  const own: Violation[] = [];
  load.setScenario(scenario.name);
  const windowStart = Date.now();
  load.start();
  // The fault lands somewhere in the first half of the window, after the load is going.
  await sleepUntil(windowStart + profile.windowMs * (0.15 + 0.35 * random()));
  const faultAt = Date.now();
  let undone = false;
  try {
    await scenario.inject(s, load);
    await sleep(scenario.downtimeMs);
    await scenario.undo(s);
    undone = true;
  } catch (error) {
    own.push({ invariant: 'scenario', detail: `the fault or its undoing failed: ${message(error)}` });
  } finally {
    // Every fault off, whatever happened; and everything up again if the undo did not run.
    await s.clearFaults().catch((error: unknown) => own.push({ invariant: 'scenario', detail: `clearing the faults failed: ${message(error)}` }));
    if (!undone) for (const problem of await heal(s)) own.push({ invariant: 'scenario', detail: `could not put right: ${problem}` });
  }
  await sleepUntil(windowStart + profile.windowMs);
  await load.stop();
  const loadStoppedAt = Date.now();
  const result = await settle(s, load, profile.settleMs);
  return rowOf(scenario.name, load, result, own, faultAt, loadStoppedAt);
}

function printReport(rows: Row[]): void {
  const cell = (r: Row): string[] => [
    r.scenario,
    String(r.sent),
    String(r.acknowledged),
    String(r.lost),
    String(r.duplicated),
    r.recoveryMs === undefined ? 'not recovered' : seconds(r.recoveryMs),
    r.settledMs === undefined ? '-' : seconds(r.settledMs),
    r.passed ? 'passed' : 'FAILED',
  ];
  console.log('');
  console.log('| scenario | operations sent | acknowledged | lost | duplicated | recovery time | settled after load stop | result |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) console.log(`| ${cell(r).join(' | ')} |`);
  const failed = rows.filter((r) => !r.passed);
  for (const r of failed) {
    console.log('');
    console.log(`${r.scenario}: ${r.violations.length} violation(s)${r.violations.length > listedPerScenario ? `, the first ${listedPerScenario}` : ''}`);
    for (const v of r.violations.slice(0, listedPerScenario)) console.log(`  - ${v.invariant}: ${v.detail}`);
  }
  console.log('');
  console.log(`${rows.length - failed.length} passed, ${failed.length} failed`);
}

async function main(): Promise<number> {
  say(`${profile.name} profile, ${chosen.length} scenarios, seed ${seed}, load ~${profile.ratePerSecond} requests/s, window ${seconds(profile.windowMs)}, settle up to ${seconds(profile.settleMs)}`);
  await wipeChaosData(dataDir);
  stack = await startChaosStack({ dataDir });
  const s = stack;
  const load = await prepareLoad(s, { ratePerSecond: profile.ratePerSecond, seed });
  const rows: Row[] = [];

  // Before any fault: what the bill imports left must hold too, and whatever does not is nobody's fault
  // but the product's, so it is a row of its own.
  const preparedAt = Date.now();
  // 'prepare': the scenario name load.ts records on what it sends before the first setScenario.
  const baseline = rowOf('prepare', load, await settle(s, load, profile.settleMs), [], preparedAt, preparedAt);
  baseline.scenario = 'no fault (bill imports)';
  rows.push(baseline);
  say(`${baseline.scenario}: ${baseline.passed ? 'passed' : `FAILED (${baseline.violations.length} violations)`}`);

  for (const scenario of chosen) {
    if (ending) break;
    const t = Date.now();
    const row = await runScenario(s, load, scenario);
    rows.push(row);
    say(
      `${row.scenario}: ${row.passed ? 'passed' : `FAILED (${row.violations.length} violations)`} in ${seconds(Date.now() - t)}; ` +
        `sent ${row.sent}, acknowledged ${row.acknowledged}, lost ${row.lost}, duplicated ${row.duplicated}, ` +
        `recovery ${row.recoveryMs === undefined ? 'none within the settle time' : seconds(row.recoveryMs)}`,
    );
  }

  // Last, after every scenario: proof that the checker sees a broken promise at all (it leaves the
  // stack broken). Its planted violations are expected, so they are not the run's; only a defect the
  // checker did not name fails it. Its recovery time is how long the checker took to name them all.
  if (!ending) {
    const self = await runCheckerSelfTest(s, { intentGraceMs: chaosIntentTiming.reconciliationGraceMs });
    const row: Row = {
      scenario: 'checker self-test (planted defects)',
      sent: 0,
      acknowledged: 0,
      lost: 0,
      duplicated: 0,
      passed: self.violations.length === 0,
      violations: self.violations,
      ...(self.namedAfterMs !== undefined ? { recoveryMs: self.namedAfterMs } : {}),
    };
    rows.push(row);
    say(`${row.scenario}: ${row.passed ? `passed, the checker named all ${self.planted.length} planted defects` : `FAILED (${row.violations.length} violations)`}`);
  }

  printReport(rows);
  const failed = rows.some((r) => !r.passed);
  say(`total ${seconds(Date.now() - startedAt)}`);
  ending = true;
  await stopInvariantChecker(s).catch(() => undefined);
  await s.stop({ keepData: failed || values['keep-data'] });
  if (failed || values['keep-data']) say(`logs and data kept in ${dataDir}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    void abort('the suite itself failed', 1);
  },
);
