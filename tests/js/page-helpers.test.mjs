// Unit tests for the page's pure helpers: chart smoothing and ticks, the curves CSV, the training
// form's defaults and the jobs list's plan summary. Run with: node --test tests/js/*.test.mjs
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ema, linearTicks, logTicks } from '../../public/js/charts.js';
import { curvesToCsv, CSV_COLUMNS } from '../../public/js/curves.js';
import { fixedDefaults, serviceDefaults } from '../../public/js/train-form.js';
import { describePlan } from '../../public/js/jobs.js';
import { percent, number, seconds } from '../../public/js/format.js';

test('ema with weight 0 is the identity, and is debiased from the first value on', () => {
  assert.deepEqual(ema([3, 1, 2], 0), [3, 1, 2]);
  const smoothed = ema([2, 2, 2, 2], 0.9);
  for (const value of smoothed) assert.ok(Math.abs(value - 2) < 1e-12, `${value}`);
  const step = ema([0, 0, 10, 10, 10], 0.5);
  assert.equal(step[0], 0);
  assert.ok(step[2] > 0 && step[2] < 10 && step[4] > step[3], JSON.stringify(step));
});

test('ema keeps gaps (null) and skips them in the average', () => {
  const smoothed = ema([1, null, 3], 0.5);
  assert.equal(smoothed[1], null);
  assert.ok(smoothed[2] > 1 && smoothed[2] < 3);
});

test('linear ticks are round numbers covering the range', () => {
  assert.deepEqual(linearTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(linearTicks(0.13, 0.92, 4), [0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(linearTicks(0, 1200, 6), [0, 200, 400, 600, 800, 1000, 1200]);
  assert.deepEqual(linearTicks(5, 5), [5]);
});

test('log ticks are powers of ten, with 2 and 5 in between over short ranges', () => {
  assert.deepEqual(logTicks(0.001, 10), [0.001, 0.01, 0.1, 1, 10]);
  assert.deepEqual(logTicks(0.15, 2.2), [0.2, 0.5, 1, 2]);
});

test('curvesToCsv writes a header and one row per point, blank for missing values', () => {
  const csv = curvesToCsv([
    { id: 'job-1', name: 'mnist', points: [{ step: 12, epoch: 0.24, train_loss: 1.25, test_accuracy: null }] },
    { id: 'job-2', name: 'a,b', points: [{ step: 1 }] },
  ]);
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines[0], ['job_id', 'model', ...CSV_COLUMNS].join(','));
  assert.equal(lines.length, 3);
  const first = lines[1].split(',');
  assert.deepEqual(first.slice(0, 4), ['job-1', 'mnist', '12', '0.24']);
  assert.equal(first[2 + CSV_COLUMNS.indexOf('train_loss')], '1.25');
  assert.equal(first[2 + CSV_COLUMNS.indexOf('test_accuracy')], '');
  assert.ok(lines[2].startsWith('job-2,"a,b",1,'));
});

// The service's GET /train/defaults, as a Swift test (TrainingDefaultsTests) checks this copy against it.
const TRAINING_DEFAULTS = JSON.parse(readFileSync(new URL('./fixtures/train-defaults.json', import.meta.url), 'utf8'));

test("the form's defaults follow the service's table", () => {
  const defaults = (choices) => serviceDefaults(TRAINING_DEFAULTS, choices);
  assert.deepEqual(defaults({}), {
    model: 'softmax', optimizer: 'lbfgs', learning_rate: 1, batch_size: 0, epochs: 100, tolerance: '',
  });
  // L-BFGS's tolerance is left to the service, which chooses it by the fit's size (small_fit); others show theirs.
  assert.equal(defaults({ regularization: 'l1' }).tolerance, 0);
  assert.equal(defaults({ binary: true }).model, 'logistic');
  assert.equal(defaults({ regularization: 'l1' }).optimizer, 'gd');
  assert.equal(defaults({ regularization: 'l1' }).epochs, 200);
  const sgd = defaults({ optimizer: 'sgd' });
  assert.equal(sgd.learning_rate, 0.5);
  assert.equal(sgd.epochs, 5);
  assert.ok(sgd.batch_size >= 1);
  assert.equal(defaults({ optimizer: 'adam' }).learning_rate, 0.001);
  const mlp = defaults({ model: 'mlp' });
  assert.deepEqual([mlp.optimizer, mlp.batch_size, mlp.epochs], ['adam', 128, 10]);
  // The table's own values, not copies: another table gives other defaults.
  const other = structuredClone(TRAINING_DEFAULTS);
  other.learning_rate.lbfgs = 0.25;
  other.optimizer.full_batch = 'gd';
  assert.equal(serviceDefaults(other, {}).optimizer, 'gd');
  assert.equal(serviceDefaults(other, { optimizer: 'lbfgs' }).learning_rate, 0.25);
});

test('the fixed defaults come from the table', () => {
  const fixed = fixedDefaults(TRAINING_DEFAULTS);
  assert.equal(fixed.lambda, 1e-4);
  assert.equal(fixed.seed, 42);
  assert.equal(fixed.factor, 0.5);
  assert.equal(fixed.validation_fraction, 0.1);
  assert.equal(fixed.regularization, 'l2');
});

test('describePlan summarises a resolved plan', () => {
  assert.equal(describePlan({ model: 'softmax', optimizer: 'sgd', batch_size: 100, epochs: 3, dataset: 'mnist', task: { type: 'multiclass' } }),
    'softmax · sgd · batch 100 · 3 epochs');
  assert.equal(describePlan({ model: 'logistic', optimizer: 'lbfgs', batch_size: 0, epochs: 100, dataset: 'mnist', task: { type: 'binary', positive: [2] } }),
    'logistic · lbfgs · 100 epochs · 2 vs rest');
});

test('formatters', () => {
  assert.equal(percent(0.8887, 2), '88.87%');
  assert.equal(percent(null), '–');
  assert.equal(number(0.000012), '1.20e-5');
  assert.equal(number(6.911748891625641), '6.912');
  assert.equal(seconds(0.25), '250 ms');
  assert.equal(seconds(75), '1 min 15 s');
});
