// Unit tests for the sweep panel's pure helpers: the POST /sweeps body the form builds, the charts' x axis
// (log when the grid is log-spaced), the path's lines, the best point and the coefficient path.
// Run with: node --test tests/js/*.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { gridValues, sweepRequest, GRID_FIELDS } from '../../public/js/sweep-form.js';
import { isLogSpaced, sweepAxis, pathGroups, bestIndex, coefficientSeries, gridNumber } from '../../public/js/sweep-view.js';
import { thinned } from '../../public/js/charts.js';

test('a real-valued grid key is sent as a range, a whole-number one as its rounded distinct values', () => {
  assert.deepEqual(gridValues('regularization.lambda', { from: 1, to: 0.001, count: 4, spacing: 'log' }), { log_space: [1, 0.001, 4] });
  assert.deepEqual(gridValues('learning_rate', { from: 0.1, to: 0.5, count: 3, spacing: 'linear' }), { linear_space: [0.1, 0.5, 3] });
  assert.deepEqual(gridValues('batch_size', { from: 16, to: 512, count: 6, spacing: 'log' }), [16, 32, 64, 128, 256, 512]);
  assert.deepEqual(gridValues('epochs', { from: 1, to: 3, count: 5, spacing: 'linear' }), [1, 2, 3]);
  // A count of 0 makes an empty list, which the service refuses (the page shows its 400).
  assert.deepEqual(gridValues('epochs', { from: 1, to: 3, count: 0, spacing: 'linear' }), []);
  for (const [key, field] of Object.entries(GRID_FIELDS)) assert.ok(field.label && field.count >= 2, key);
});

test('the sweep request takes the training request as its base, and its name', () => {
  const base = { name: 'digits', dataset: 'mnist', train_size: 1000, regularization: { type: 'l2', lambda: 0.0001 } };
  const settings = { name: '', key: 'regularization.lambda', from: 0.1, to: 0.0001, count: 4, spacing: 'log', metric: 'log_loss', promote: 'best' };
  const body = sweepRequest(base, { ...settings, cvFolds: 3 });
  assert.deepEqual(body, {
    name: 'digits',
    base: { dataset: 'mnist', train_size: 1000, regularization: { type: 'l2', lambda: 0.0001 } },
    grid: { 'regularization.lambda': { log_space: [0.1, 0.0001, 4] } },
    metric: 'log_loss', cv_folds: 3, promote: 'best',
  });
  const unnamed = sweepRequest({ dataset: 'breast-cancer-wisconsin' }, { ...settings, promote: '' });
  assert.equal(unnamed.name, 'breast-cancer-wisconsin-sweep');
  assert.ok(!('cv_folds' in unnamed) && !('promote' in unnamed), JSON.stringify(unnamed));
  assert.equal(sweepRequest(base, { ...settings, name: 'mine' }).name, 'mine');
});

test('log spacing is recognised by constant ratios or several decades', () => {
  assert.equal(isLogSpaced([0.1, 0.01, 0.001, 0.0001]), true);
  assert.equal(isLogSpaced([1, 3.1623, 10]), true);
  assert.equal(isLogSpaced([0.001, 10]), true);
  assert.equal(isLogSpaced([0.1, 0.2, 0.3, 0.4]), false);
  assert.equal(isLogSpaced([0, 0.5, 1]), false);
  assert.equal(isLogSpaced([1, 2]), false);
});

const point = (index, lambda, result, others = {}) => ({
  index, params: { 'regularization.lambda': lambda, ...others }, job: 'j', model: result ? { name: 'm', version: index + 1 } : undefined,
  result: result && { index, lambda, ...result },
});

test('the axis is the path key, on a log scale for a log-spaced grid; lines group the other keys', () => {
  const sweep = {
    keys: ['learning_rate', 'regularization.lambda'], path_key: 'regularization.lambda', metric: 'log_loss',
    points: [
      point(0, 0.1, { score: 0.5 }, { learning_rate: 1 }), point(1, 0.001, { score: 0.3 }, { learning_rate: 1 }),
      point(2, 0.1, { score: 0.6 }, { learning_rate: 0.1 }), point(3, 0.001, null, { learning_rate: 0.1 }),
    ],
  };
  const axis = sweepAxis(sweep);
  assert.equal(axis.key, 'regularization.lambda');
  assert.equal(axis.log, true);
  assert.equal(axis.symbol, 'λ');
  const groups = pathGroups(sweep, axis);
  assert.deepEqual(groups.map((group) => [group.label, group.points.map((p) => p.index)]),
    [['learning_rate=1', [1, 0]], ['learning_rate=0.1', [2]]]);
  const linear = sweepAxis({ keys: ['epochs'], path_key: null, points: [5, 10, 15].map((epochs, index) => ({ index, params: { epochs } })) });
  assert.deepEqual([linear.key, linear.log], ['epochs', false]);
  const categorical = sweepAxis({ keys: ['regularization.type'], path_key: null, points: [{ index: 0, params: { 'regularization.type': 'l1' } }] });
  assert.equal(categorical.key, null);
});

test('the best point follows the service: lowest log loss or highest accuracy, ties to the larger lambda', () => {
  const points = [point(0, 1, { score: 0.4 }), point(1, 0.1, { score: 0.2 }), point(2, 0.01, { score: 0.2 }), point(3, 0.001, null)];
  assert.equal(bestIndex({ metric: 'log_loss', points }), 1);
  assert.equal(bestIndex({ metric: 'accuracy', points }), 0);
  assert.equal(bestIndex({ metric: 'log_loss', points: [point(0, 1, { score: NaN }), point(1, 0.1, null)] }), null);
});

test('the coefficient path has one line per weight, labelled by class when there are several', () => {
  const sweep = {
    keys: ['regularization.lambda'], path_key: 'regularization.lambda',
    points: [point(0, 1, { score: 1, coefficients: [0, 0, 0, 0, 0, 0] }), point(1, 0.1, { score: 1, coefficients: [1, 2, 3, 4, 5, 6] })],
  };
  const axis = sweepAxis(sweep);
  const binary = coefficientSeries(sweep, axis, 6);
  assert.equal(binary.length, 6);
  assert.deepEqual(binary[2].points, [[0.1, 3], [1, 0]]);
  assert.equal(binary[5].label, 'w5');
  const twoClasses = coefficientSeries(sweep, axis, 3);
  assert.deepEqual(twoClasses.map((series) => series.label), ['class 0 · w0', 'class 0 · w1', 'class 0 · w2', 'class 1 · w0', 'class 1 · w1', 'class 1 · w2']);
  assert.deepEqual(coefficientSeries({ ...sweep, points: [point(0, 1, { score: 1 })] }, axis, 3), []);
});

test('grid values and log ticks read well', () => {
  assert.deepEqual([0.00001, 0.000316228, 0.001, 0.031622, 100, 0].map(gridNumber), ['1e-5', '3.16e-4', '0.001', '0.0316', '100', '0']);
  assert.deepEqual(thinned([1, 2, 3, 4, 5, 6, 7], 4), [1, 3, 5, 7]);
  assert.deepEqual(thinned([1, 2, 3], 4), [1, 2, 3]);
});
