// Writes Tests/Fixtures/digit-drawings.json: a few ink drawings (different sizes, aspect ratios,
// off-centre strokes, fractional intensities, a digit clipped at the field's edge, a 16x16 field)
// with the pixels public/js/mnist-preprocess.js makes of them. tests/js/digit-fixtures.test.mjs and
// Tests/LogitImagingTests/DigitFixtureTests.swift check that the JavaScript and the Swift port
// (Sources/LogitImaging/MNISTPreprocess.swift) both give exactly those pixels.
// Run from the repository root after a deliberate change of the algorithm: node scripts/make-digit-fixtures.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import { toMnistPixels, MNIST_SIZE } from '../public/js/mnist-preprocess.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = path.join(root, 'Tests', 'Fixtures', 'digit-drawings.json');

/** Distance from (x, y) to the segment from a to b. */
function distanceToSegment(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** A polyline stroked with round ends, anti-aliased to integer intensities as a canvas's alpha is. */
function stroke(width, height, points, lineWidth) {
  const ink = new Array(width * height).fill(0);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let distance = Infinity;
      for (let i = 1; i < points.length; i++) {
        distance = Math.min(distance, distanceToSegment(x + 0.5, y + 0.5, points[i - 1], points[i]));
      }
      const coverage = Math.max(0, Math.min(1, lineWidth / 2 + 0.5 - distance));
      ink[y * width + x] = Math.round(coverage * 255);
    }
  }
  return ink;
}

/** An elliptic ring whose ink falls off smoothly: intensities with fractions, as a resampled image has. */
function softRing(width, height, centreX, centreY, radiusX, radiusY) {
  const ink = new Array(width * height).fill(0);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const radius = Math.hypot((x - centreX) / radiusX, (y - centreY) / radiusY);
      const value = 255 * Math.exp(-(((radius - 1) * 6) ** 2));
      ink[y * width + x] = value < 0.5 ? 0 : value;
    }
  }
  return ink;
}

/** A heavy disc with a thin tail: its centre of mass is so far off that the tail leaves the field. */
function discWithTail(width, height) {
  const ink = stroke(width, height, [[20, 80], [95, 5]], 1.5);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (Math.hypot(x + 0.5 - 20, y + 0.5 - 80) <= 12) ink[y * width + x] = 255;
    }
  }
  return ink;
}

function rectangle(width, height, left, top, right, bottom, value) {
  const ink = new Array(width * height).fill(0);
  for (let y = top; y < bottom; y++) for (let x = left; x < right; x++) ink[y * width + x] = value;
  return ink;
}

const dot = new Array(9 * 7).fill(0);
Object.assign(dot, { [2 * 9 + 4]: 90, [2 * 9 + 5]: 255, [2 * 9 + 6]: 30, [3 * 9 + 4]: 200, [3 * 9 + 6]: 1 });

// A 20x20 box (so resampling is exact) whose centre of mass is (16.5, 14.5): both shifts are negative
// halves, which JavaScript rounds up (-2.5 to -2, -0.5 to 0) where Swift's rounded() goes away from 0.
const halves = new Array(30 * 26).fill(0);
for (const [x, y] of [[0, 0], [19, 14], [19, 15], [19, 16], [19, 17], [19, 18], [19, 19], [18, 17]]) {
  halves[(y + 3) * 30 + x + 4] = 255;
}

const drawings = [
  { name: 'seven, thick strokes, top left of a wide canvas', width: 160, height: 120,
    ink: stroke(160, 120, [[20, 15], [75, 15], [40, 95]], 9) },
  { name: 'one, tall and thin, right of centre', width: 48, height: 150,
    ink: stroke(48, 150, [[33, 12], [29, 138]], 4) },
  { name: 'dash, much wider than tall', width: 150, height: 40,
    ink: stroke(150, 40, [[20, 22], [130, 18]], 6) },
  { name: 'a few pixels, enlarged by a fractional step', width: 9, height: 7, ink: dot },
  { name: 'zero with fractional intensities', width: 45, height: 52, ink: softRing(45, 52, 21.3, 26.8, 13.5, 19) },
  { name: 'heavy disc with a thin tail clipped at the field edge', width: 100, height: 100,
    ink: discWithTail(100, 100) },
  { name: 'centre of mass on negative half-pixel shifts', width: 30, height: 26, ink: halves },
  { name: 'bar in a 16x16 field, its width a rounding tie', width: 50, height: 80, size: 16,
    ink: rectangle(50, 80, 5, 4, 40, 74, 255) },
];

for (const drawing of drawings) {
  drawing.size ??= MNIST_SIZE;
  drawing.pixels = Array.from(toMnistPixels(drawing.ink, drawing.width, drawing.height, drawing.size));
}

/** JSON with one image row per line, so the file shows the drawings and diffs by row. */
function rows(values, width, indent) {
  const lines = [];
  for (let start = 0; start < values.length; start += width) {
    lines.push(values.slice(start, start + width).map((value) => JSON.stringify(value)).join(','));
  }
  return `[\n${indent}  ${lines.join(`,\n${indent}  `)}\n${indent}]`;
}

const entries = drawings.map(({ name, width, height, size, ink, pixels }) => [
  '    {',
  `      "name": ${JSON.stringify(name)},`,
  `      "width": ${width}, "height": ${height}, "size": ${size},`,
  `      "ink": ${rows(ink, width, '      ')},`,
  `      "pixels": ${rows(pixels, size, '      ')}`,
  '    }',
].join('\n'));

writeFileSync(output, `{
  "about": "Ink drawings (width x height intensities, row-major) and the size x size pixels MNIST's preparation makes of them. Made by scripts/make-digit-fixtures.mjs with public/js/mnist-preprocess.js; tests/js/digit-fixtures.test.mjs and Tests/LogitImagingTests/DigitFixtureTests.swift check that the JavaScript and the Swift port give exactly these pixels.",
  "drawings": [
${entries.join(',\n')}
  ]
}
`);
console.log(`wrote ${path.relative(root, output)}: ${drawings.length} drawings`);
