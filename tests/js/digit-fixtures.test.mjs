// The drawings of Tests/Fixtures/digit-drawings.json (made by scripts/make-digit-fixtures.mjs) give
// exactly their recorded pixels. Tests/LogitImagingTests/DigitFixtureTests.swift checks the Swift port
// against the same file, so the page and `logit predict` prepare a drawing identically.
// Run with: node --test tests/js/*.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import { toMnistPixels } from '../../public/js/mnist-preprocess.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { drawings } = JSON.parse(readFileSync(path.join(root, 'Tests', 'Fixtures', 'digit-drawings.json'), 'utf8'));

test('the fixture file has drawings of several shapes, with ink and a 16x16 field among them', () => {
  assert.ok(drawings.length >= 5);
  assert.ok(drawings.some(({ size }) => size !== 28));
  for (const { name, width, height, size, ink, pixels } of drawings) {
    assert.equal(ink.length, width * height, name);
    assert.equal(pixels.length, size * size, name);
    assert.ok(pixels.some((value) => value > 0), `${name}: no ink in the expected pixels`);
  }
});

for (const { name, width, height, size, ink, pixels } of drawings) {
  test(`fixture "${name}" (${width}x${height} to ${size}x${size}) gives its recorded pixels`, () => {
    assert.deepEqual(Array.from(toMnistPixels(ink, width, height, size)), pixels);
  });
}
