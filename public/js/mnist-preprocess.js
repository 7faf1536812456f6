// MNIST-style preprocessing of a hand-drawn digit, with no DOM dependency so Node can test it.
//
// LeCun et al. prepared MNIST like this: the ink's bounding box was scaled (anti-aliased) to fit a
// 20x20 box preserving the aspect ratio, and that image was placed in a 28x28 field so that its
// centre of mass sits at the centre. In the published files the long side of the ink is exactly
// 20 pixels and the centre of mass (in pixel-index coordinates) lies within half a pixel of (14, 14).
// A field of another size keeps those proportions (a box 20/28 of the field, centred at size/2).
//
// Sources/LogitImaging/MNISTPreprocess.swift is the same algorithm, operation for operation, for
// `logit predict`: a change here is a change there.

export const MNIST_SIZE = 28;
export const MNIST_BOX = 20;

/**
 * Converts an ink image (one intensity per pixel, 0 = background, larger = more ink) into the
 * 784 grey levels (0..255, white ink on black, row-major) that an MNIST model expects.
 * @param {ArrayLike<number>} ink intensities, e.g. the alpha channel of a canvas, length width*height
 * @param {number} width
 * @param {number} height
 * @param {number} size side of the square field, 28 for MNIST
 * @returns {Float32Array} size*size integers in 0..255; all zeros when there is no ink
 */
export function toMnistPixels(ink, width, height, size = MNIST_SIZE) {
  if (!(width > 0 && height > 0) || ink.length < width * height) {
    throw new RangeError(`expected ${width}x${height} intensities, got ${ink.length}`);
  }
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`field size ${size} is not a positive integer`);
  const output = new Float32Array(size * size);
  const box = inkBoundingBox(ink, width, height);
  if (!box) return output;

  // 1. Scale the bounding box so its longer side is 20 pixels (of 28).
  const fit = Math.max(1, Math.round(size * MNIST_BOX / MNIST_SIZE));
  const scale = fit / Math.max(box.width, box.height);
  const boxWidth = Math.max(1, Math.min(fit, Math.round(box.width * scale)));
  const boxHeight = Math.max(1, Math.min(fit, Math.round(box.height * scale)));
  const scaled = resampleArea(ink, width, box, boxWidth, boxHeight);

  // 2. Translate by whole pixels so the centre of mass lands on (14, 14) (of 28).
  const centre = centreOfMass(scaled, boxWidth, boxHeight);
  const offsetX = Math.round(size / 2 - centre.x);
  const offsetY = Math.round(size / 2 - centre.y);

  // 3. Stretch the contrast so the brightest pixel is 255, as in MNIST.
  let peak = 0;
  for (const value of scaled) peak = Math.max(peak, value);
  const gain = peak > 0 ? 255 / peak : 0;

  for (let y = 0; y < boxHeight; y++) {
    const targetY = y + offsetY;
    if (targetY < 0 || targetY >= size) continue;
    for (let x = 0; x < boxWidth; x++) {
      const targetX = x + offsetX;
      if (targetX < 0 || targetX >= size) continue;
      output[targetY * size + targetX] = Math.round(scaled[y * boxWidth + x] * gain);
    }
  }
  return output;
}

/** The alpha channel of RGBA pixel data (e.g. ImageData.data), as the ink of white-on-transparent drawings. */
export function alphaChannel(rgba) {
  const alpha = new Uint8ClampedArray(rgba.length / 4);
  for (let i = 0; i < alpha.length; i++) alpha[i] = rgba[i * 4 + 3];
  return alpha;
}

/** Smallest rectangle holding every pixel with ink (> 0), or null for an empty image. */
export function inkBoundingBox(ink, width, height) {
  let left = width, right = -1, top = height, bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (ink[row + x] > 0) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
  }
  if (right < 0) return null;
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** Centre of mass in pixel-index coordinates (pixel (x, y) has its weight at x, y). */
export function centreOfMass(pixels, width, height) {
  let total = 0, sumX = 0, sumY = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = pixels[y * width + x];
      total += value;
      sumX += value * x;
      sumY += value * y;
    }
  }
  if (total === 0) return { x: (width - 1) / 2, y: (height - 1) / 2 };
  return { x: sumX / total, y: sumY / total };
}

/**
 * Resamples the box of the source image to targetWidth x targetHeight by area averaging: each
 * target pixel is the mean of the source area it covers, weighted by partial coverage. This
 * anti-aliases when shrinking and interpolates blockily when enlarging.
 */
function resampleArea(source, sourceWidth, box, targetWidth, targetHeight) {
  const result = new Float32Array(targetWidth * targetHeight);
  const stepX = box.width / targetWidth;
  const stepY = box.height / targetHeight;
  const weightsX = coverageWeights(box.left, stepX, targetWidth);
  const weightsY = coverageWeights(box.top, stepY, targetHeight);
  for (let ty = 0; ty < targetHeight; ty++) {
    const rows = weightsY[ty];
    for (let tx = 0; tx < targetWidth; tx++) {
      const columns = weightsX[tx];
      let sum = 0;
      for (const [sy, wy] of rows) {
        const row = sy * sourceWidth;
        for (const [sx, wx] of columns) sum += source[row + sx] * wx * wy;
      }
      result[ty * targetWidth + tx] = sum / (stepX * stepY);
    }
  }
  return result;
}

/** For each target index, the source indices it covers and by how much (in source pixels). */
function coverageWeights(start, step, count) {
  const weights = [];
  for (let t = 0; t < count; t++) {
    const from = start + t * step;
    const to = from + step;
    const cells = [];
    for (let s = Math.floor(from); s < to; s++) {
      const overlap = Math.min(to, s + 1) - Math.max(from, s);
      if (overlap > 1e-9) cells.push([s, overlap]);
    }
    weights.push(cells);
  }
  return weights;
}
