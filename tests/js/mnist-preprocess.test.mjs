// Unit tests for public/js/mnist-preprocess.js: real MNIST test digits are re-rendered ten times
// larger, off centre, on a big empty canvas, then re-sampled; the result must look like the original.
// Run with: node --test tests/js/*.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import {
  toMnistPixels, alphaChannel, inkBoundingBox, centreOfMass, MNIST_SIZE,
} from '../../public/js/mnist-preprocess.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mnistDirectory = path.join(root, 'data', 'mnist');

function readIdx(name, headerBytes) {
  return gunzipSync(readFileSync(path.join(mnistDirectory, name))).subarray(headerBytes);
}

const images = readIdx('t10k-images-idx3-ubyte.gz', 16);
const labels = readIdx('t10k-labels-idx1-ubyte.gz', 8);
const PIXELS = MNIST_SIZE * MNIST_SIZE;
const digit = (index) => Float32Array.from(images.subarray(index * PIXELS, (index + 1) * PIXELS));

/** Draws a 28x28 digit `factor` times larger at (left, top) on an empty canvas, bilinearly like a browser. */
function rerender(pixels, { factor, left, top, width, height, smooth = true }) {
  const canvas = new Float32Array(width * height);
  const sample = (x, y) => (x < 0 || y < 0 || x >= MNIST_SIZE || y >= MNIST_SIZE ? 0 : pixels[y * MNIST_SIZE + x]);
  for (let y = 0; y < MNIST_SIZE * factor; y++) {
    for (let x = 0; x < MNIST_SIZE * factor; x++) {
      // Source position of this pixel's centre.
      const u = (x + 0.5) / factor - 0.5;
      const v = (y + 0.5) / factor - 0.5;
      let value;
      if (smooth) {
        const x0 = Math.floor(u), y0 = Math.floor(v), fx = u - x0, fy = v - y0;
        value = (1 - fy) * ((1 - fx) * sample(x0, y0) + fx * sample(x0 + 1, y0))
          + fy * ((1 - fx) * sample(x0, y0 + 1) + fx * sample(x0 + 1, y0 + 1));
      } else {
        value = sample(Math.floor(x / factor), Math.floor(y / factor));
      }
      canvas[(top + y) * width + left + x] = value;
    }
  }
  return canvas;
}

function correlation(a, b) {
  const n = a.length;
  let meanA = 0, meanB = 0;
  for (let i = 0; i < n; i++) { meanA += a[i]; meanB += b[i]; }
  meanA /= n; meanB /= n;
  let covariance = 0, varianceA = 0, varianceB = 0;
  for (let i = 0; i < n; i++) {
    covariance += (a[i] - meanA) * (b[i] - meanB);
    varianceA += (a[i] - meanA) ** 2;
    varianceB += (b[i] - meanB) ** 2;
  }
  return covariance / Math.sqrt(varianceA * varianceB);
}

function assertMnistShaped(result, context) {
  assert.equal(result.length, PIXELS, context);
  const box = inkBoundingBox(result, MNIST_SIZE, MNIST_SIZE);
  assert.ok(box, `${context}: no ink`);
  assert.ok(box.width <= 20 && box.height <= 20, `${context}: box ${box.width}x${box.height} exceeds 20x20`);
  assert.equal(Math.max(box.width, box.height), 20, `${context}: the long side should be 20 pixels`);
  const centre = centreOfMass(result, MNIST_SIZE, MNIST_SIZE);
  assert.ok(centre.x >= 13.5 && centre.x <= 14.5, `${context}: centre x ${centre.x}`);
  assert.ok(centre.y >= 13.5 && centre.y <= 14.5, `${context}: centre y ${centre.y}`);
  const peak = Math.max(...result);
  assert.equal(peak, 255, `${context}: brightest pixel ${peak}`);
  for (const value of result) assert.ok(Number.isInteger(value) && value >= 0 && value <= 255, `${context}: ${value}`);
}

// The first three test digits of each class.
const SAMPLE = [];
for (let label = 0; label < 10; label++) {
  for (let index = 0, found = 0; found < 3; index++) {
    if (labels[index] === label) { SAMPLE.push(index); found++; }
  }
}

const layoutFor = (index, factor, smooth) => ({
  factor, smooth, left: 37 + (index % 5) * 23, top: 11 + (index % 7) * 17,
  width: MNIST_SIZE * factor + 150, height: MNIST_SIZE * factor + 130,
});

test('a digit re-rendered pixel-exactly x10, off centre on a wide margin, re-samples to the original', () => {
  for (const index of SAMPLE) {
    const original = digit(index);
    const layout = layoutFor(index, 10, false);
    const result = toMnistPixels(rerender(original, layout), layout.width, layout.height);
    const context = `digit #${index} (label ${labels[index]})`;
    assertMnistShaped(result, context);
    const r = correlation(result, original);
    assert.ok(r > 0.95, `${context}: correlation ${r.toFixed(3)} with the original`);
  }
});

// Bilinear enlargement adds a faint halo about one source pixel wide, which grows the ink's bounding
// box from 20 to about 21 source pixels (so the digit comes back ~5% smaller) and can move thin strokes
// by a pixel when the centre of mass is rounded. Most digits still match closely; none is far off.
test('a digit re-rendered smoothly (bilinear) at x10 and x13 re-samples closely', () => {
  for (const factor of [10, 13]) {
    const correlations = SAMPLE.map((index) => {
      const original = digit(index);
      const layout = layoutFor(index, factor, true);
      const result = toMnistPixels(rerender(original, layout), layout.width, layout.height);
      assertMnistShaped(result, `digit #${index} x${factor}`);
      return correlation(result, original);
    });
    const mean = correlations.reduce((sum, r) => sum + r, 0) / correlations.length;
    const close = correlations.filter((r) => r > 0.9).length;
    assert.ok(mean > 0.9, `x${factor}: mean correlation ${mean.toFixed(3)}`);
    assert.ok(close >= 0.8 * SAMPLE.length, `x${factor}: only ${close}/${SAMPLE.length} above 0.9`);
    assert.ok(Math.min(...correlations) > 0.6, `x${factor}: worst correlation ${Math.min(...correlations).toFixed(3)}`);
  }
});

test('an MNIST digit given at its own size comes back unchanged (up to rounding)', () => {
  for (const index of SAMPLE.slice(0, 10)) {
    const original = digit(index);
    const result = toMnistPixels(original, MNIST_SIZE, MNIST_SIZE);
    assert.ok(correlation(result, original) > 0.99, `digit #${index}`);
  }
});

test('an empty drawing gives 784 zeros', () => {
  const result = toMnistPixels(new Uint8ClampedArray(280 * 280), 280, 280);
  assert.equal(result.length, PIXELS);
  assert.ok(result.every((value) => value === 0));
});

test('a tall thin stroke keeps its aspect ratio: 20 pixels high, centred', () => {
  const width = 200, height = 200;
  const ink = new Uint8ClampedArray(width * height);
  for (let y = 20; y < 180; y++) for (let x = 150; x < 166; x++) ink[y * width + x] = 255;
  const result = toMnistPixels(ink, width, height);
  const box = inkBoundingBox(result, MNIST_SIZE, MNIST_SIZE);
  assert.equal(box.height, 20);
  assert.equal(box.width, 2);
  const centre = centreOfMass(result, MNIST_SIZE, MNIST_SIZE);
  assert.ok(Math.abs(centre.x - 14) <= 0.5 && Math.abs(centre.y - 14) <= 0.5, JSON.stringify(centre));
});

test('a single dot is enlarged to the 20x20 box', () => {
  const ink = new Uint8ClampedArray(50 * 40);
  ink[10 * 50 + 7] = 128;
  const result = toMnistPixels(ink, 50, 40);
  const box = inkBoundingBox(result, MNIST_SIZE, MNIST_SIZE);
  assert.deepEqual([box.width, box.height], [20, 20]);
  assert.equal(result.filter((value) => value === 255).length, 400);
});

test('a field of another size keeps MNIST proportions: the long side 20/28 of it, centred', () => {
  const width = 120, height = 90;
  const ink = new Uint8ClampedArray(width * height);
  for (let y = 10; y < 80; y++) for (let x = 30; x < 65; x++) ink[y * width + x] = 255;
  const result = toMnistPixels(ink, width, height, 16);
  assert.equal(result.length, 16 * 16);
  const box = inkBoundingBox(result, 16, 16);
  assert.deepEqual([box.width, box.height], [6, 11]);  // 11 = round(16 * 20 / 28), 6 = round(35 * 11 / 70)
  const centre = centreOfMass(result, 16, 16);
  assert.ok(Math.abs(centre.x - 8) <= 0.5 && Math.abs(centre.y - 8) <= 0.5, JSON.stringify(centre));
  assert.equal(toMnistPixels(ink, width, height).length, PIXELS);
});

test('a field size that is not a positive integer is rejected', () => {
  assert.throws(() => toMnistPixels(new Uint8ClampedArray(16), 4, 4, 0), RangeError);
  assert.throws(() => toMnistPixels(new Uint8ClampedArray(16), 4, 4, 7.5), RangeError);
});

test('alphaChannel extracts the ink of RGBA canvas data', () => {
  const rgba = new Uint8ClampedArray([255, 255, 255, 0, 255, 255, 255, 200, 0, 0, 0, 17]);
  assert.deepEqual([...alphaChannel(rgba)], [0, 200, 17]);
});

test('a buffer smaller than width x height is rejected', () => {
  assert.throws(() => toMnistPixels(new Uint8ClampedArray(10), 4, 4), RangeError);
});
