// CI and humans read one closing line, `N passed, N failed`; jest words its own summary differently.
// Under infra/local/test.sh the counts go to a file instead, so that lint and typecheck can be added
// and the line printed once, last.
import { writeFileSync } from 'node:fs';

export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const passed = results.numPassedTests;
    // A suite that fails to load (syntax error, failing beforeAll) has no failed tests of its own.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const file = process.env.TEST_SUMMARY_FILE;
    if (file) writeFileSync(file, JSON.stringify({ passed, failed }));
    else process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  }
}
