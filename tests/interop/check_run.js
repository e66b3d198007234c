// Checks one interop run directory (report.json + attempts.jsonl) against figures worked out by
// hand from the usage objects the mock-llm rules in run_interop.sh return.
// Usage: node check_run.js RUN_DIR live|replay
//   live: every call reached the server; replay: every call was answered by the response cache
//   (same figures, nothing spent). Exit 0: every check passed; 1: the failures are listed.
'use strict';
const fs = require('fs');
const path = require('path');

// Usage the mock returns per sample (run_interop.sh, mock-llm.yaml) and what taskcost must
// record after normalising it: prompt_tokens includes the cached tokens, completion_tokens the
// reasoning tokens.
//   S1: prompt 120, completion 30                -> input 120, cached 0,  output 30
//   S2: prompt 200 (80 cached), completion 40    -> input 120, cached 80, output 40
//   S3: prompt 90, completion 50 (10 reasoning)  -> input 90,  cached 0,  output 50, reasoning 10
const kUsage = {
  S1: {input_tokens: 120, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 30,
       reasoning_tokens: 0},
  S2: {input_tokens: 120, cached_input_tokens: 80, cache_write_tokens: 0, output_tokens: 40,
       reasoning_tokens: 0},
  S3: {input_tokens: 90, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 50,
       reasoning_tokens: 10},
};
// Prices (prices.yaml in run_interop.sh), USD per 1M tokens = picodollars per token x 1e-6:
//   interop-big:   input 2.00, cached 0.50, output 8.00 -> 2,000,000 / 500,000 / 8,000,000 pUSD
//   interop-small: input 0.40, cached 0.10, output 1.60 ->   400,000 / 100,000 / 1,600,000 pUSD
// Cost per call in picodollars:
//   big   S1: 120 x 2e6 + 30 x 8e6                = 240e6 + 240e6          = 480,000,000
//   big   S2: 120 x 2e6 + 80 x 0.5e6 + 40 x 8e6   = 240e6 + 40e6 + 320e6   = 600,000,000
//   big   S3: 90 x 2e6 + 50 x 8e6                 = 180e6 + 400e6          = 580,000,000
//   small S1: 120 x 0.4e6 + 30 x 1.6e6            = 48e6 + 48e6            =  96,000,000
//   small S2: 120 x 0.4e6 + 80 x 0.1e6 + 40 x 1.6e6 = 48e6 + 8e6 + 64e6     = 120,000,000
//   small S3: 90 x 0.4e6 + 50 x 1.6e6             = 36e6 + 80e6            = 116,000,000
const kCost = {
  big: {S1: 480000000, S2: 600000000, S3: 580000000},
  small: {S1: 96000000, S2: 120000000, S3: 116000000},
};
// Per candidate, 3 tasks, 3 successes, 3 attempts (no retry):
//   big total   = 480e6 + 600e6 + 580e6 = 1,660,000,000 pUSD ($0.00166)
//       per successful task = 1,660,000,000 / 3 = 553,333,333.33 -> 553,333,333
//   small total = 96e6 + 120e6 + 116e6  =   332,000,000 pUSD ($0.000332)
//       per successful task =   332,000,000 / 3 = 110,666,666.67 -> 110,666,667
//   input tokens (uncached + cached) = 120 + 200 + 90 = 410; output = 30 + 40 + 50 = 120
const kCandidates = {
  big: {model: 'interop-big', total: 1660000000, per_success: 553333333},
  small: {model: 'interop-small', total: 332000000, per_success: 110666667},
};
// The answers the mock gives (they match the samples' expected fields).
const kOutput = {
  S1: '{"category":"billing","priority":"high"}',
  S2: '{"category":"shipping","priority":"normal"}',
  S3: '{"category":"other","priority":"low"}',
};

const failures = [];
function expectEq(what, actual, expected) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) failures.push(`${what}: expected ${e}, got ${a}`);
}

function checkJournal(runDir, replay) {
  const lines = fs.readFileSync(path.join(runDir, 'attempts.jsonl'), 'utf8')
      .split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
  expectEq('journal header type', lines[0].type, 'header');
  const attempts = lines.slice(1).filter((l) => l.type !== 'sent');
  expectEq('journal attempt lines', attempts.length, 6);
  // A sent line before each call that reached the server (docs/journal-format.md); none when
  // the response cache answered.
  expectEq('journal sent lines', lines.filter((l) => l.type === 'sent').length, replay ? 0 : 6);
  for (const a of attempts) {
    const at = `attempt ${a.candidate}/${a.sample}#${a.attempt}`;
    expectEq(`${at} http_status`, a.http_status, 200);
    expectEq(`${at} error`, a.error, null);
    expectEq(`${at} error_message`, a.error_message, '');
    expectEq(`${at} attempt number`, a.attempt, 1);
    expectEq(`${at} finish_reason`, a.finish_reason, 'stop');
    expectEq(`${at} output`, a.output, kOutput[a.sample]);
    expectEq(`${at} validation_errors`, a.validation_errors, []);
    expectEq(`${at} checks passed`, a.checks.map((c) => c.pass), [true, true]);
    expectEq(`${at} usage`, a.usage, kUsage[a.sample]);
    expectEq(`${at} usage_raw.total_tokens`, a.usage_raw && a.usage_raw.total_tokens,
             {S1: 150, S2: 240, S3: 140}[a.sample]);
    expectEq(`${at} cost_picousd`, a.cost_picousd, (kCost[a.candidate] || {})[a.sample]);
    expectEq(`${at} success`, a.success, true);
    expectEq(`${at} answered by the response cache`, a.cached === true, replay);
  }
}

function checkReport(runDir, replay) {
  const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8'));
  expectEq('report simulated', report.simulated, false);
  // Spent: both candidates' totals when every call reached the server (1,992,000,000 pUSD).
  expectEq('report spent_picousd', report.spent_picousd, replay ? 0 : 1660000000 + 332000000);
  expectEq('report cached_attempts', report.cached_attempts, replay ? 6 : 0);
  expectEq('report candidates', report.candidates.map((c) => c.id), ['big', 'small']);
  for (const c of report.candidates) {
    const want = kCandidates[c.id];
    if (!want) continue;
    const at = `candidate ${c.id}`;
    expectEq(`${at} model`, c.model, want.model);
    expectEq(`${at} tasks planned/run/not run`, [c.tasks_planned, c.tasks_run, c.tasks_not_run],
             [3, 3, 0]);
    expectEq(`${at} successes`, c.successes, 3);
    expectEq(`${at} attempts`, c.attempts, 3);
    expectEq(`${at} retries`, c.retries, 0);
    expectEq(`${at} fatal_error`, c.fatal_error, null);
    expectEq(`${at} total_cost_picousd`, c.total_cost_picousd, want.total);
    expectEq(`${at} spent_picousd`, c.spent_picousd, replay ? 0 : want.total);
    expectEq(`${at} cached_attempts`, c.cached_attempts, replay ? 3 : 0);
    expectEq(`${at} cost_per_successful_task_picousd`, c.cost_per_successful_task_picousd,
             want.per_success);
    expectEq(`${at} input/output tokens`, [c.input_tokens, c.output_tokens], [410, 120]);
    const failed = Object.entries(c.failures_by_attempt).filter(([, n]) => n !== 0);
    expectEq(`${at} failed attempts by class`, failed, []);
  }
  // Same answers on all 3 paired samples and small costs a fifth of big, but three samples
  // cannot show small is no worse: Newcombe's interval is +-z^2 / (3 + z^2) = +-56.1 pp, so the
  // comparison is inconclusive and the verdict keeps big.
  const cmp = report.comparisons[0];
  expectEq('comparison', [cmp.decision, cmp.reason], ['inconclusive', 'may_be_worse']);
  expectEq('paired CI low (pp, tenths)', Math.round(cmp.paired_success.ci95_low_pp * 10), -561);
  expectEq('verdict', [report.verdict.decision, report.verdict.candidate], ['keep', 'big']);
}

const [runDir, expect] = process.argv.slice(2);
if (!runDir || !['live', 'replay'].includes(expect)) {
  console.error('usage: check_run.js RUN_DIR live|replay');
  process.exit(2);
}
try {
  checkJournal(runDir, expect === 'replay');
  checkReport(runDir, expect === 'replay');
} catch (err) {
  failures.push(`could not read the run directory ${runDir}: ${err.message}`);
}
if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL: ${runDir}: ${f}`);
  process.exit(1);
}
console.log(`ok: ${runDir}: 6 attempts (${expect}), usage, costs and verdict as computed by hand`);
