/// MNIST's preparation of a digit, for ink images of any size: the ink's bounding box is scaled (area-averaged)
/// so its longer side is 20 pixels, keeping the aspect ratio, then placed in a 28x28 field with its centre of
/// mass at the centre, and its contrast stretched so the brightest pixel is 255. A field of another size keeps
/// those proportions (a box 20/28 of the field, centred at size / 2).
///
/// This is public/js/mnist-preprocess.js (the page's drawing pad) operation for operation: the same order of
/// operations in `Double` (JavaScript's numbers), the resampled image rounded to `Float` where JavaScript stores
/// it in a Float32Array, and JavaScript's rounding, so both give the same pixels bit for bit.
/// Tests/Fixtures/digit-drawings.json holds drawings and the pixels both must give.
public enum MNISTPreprocess {
    public static let mnistSize = 28
    public static let mnistBox = 20

    /// The smallest rectangle holding every pixel with ink (> 0).
    struct InkBox: Equatable {
        var left: Int
        var top: Int
        var width: Int
        var height: Int
    }

    /// Grey levels (integers 0-255, white ink on black, row-major) of the `size x size` field that an MNIST-style
    /// model expects, from `width x height` ink intensities (0 = background, larger = more ink); all zeros when
    /// there is no ink.
    public static func pixels(ink: [Double], width: Int, height: Int, size: Int = mnistSize) -> [Float] {
        precondition(width > 0 && height > 0 && ink.count >= width * height,
                     "expected \(width)x\(height) intensities, got \(ink.count)")
        precondition(size > 0, "field size \(size) is not positive")
        var output = [Float](repeating: 0, count: size * size)
        guard let box = inkBoundingBox(ink, width: width, height: height) else { return output }

        // 1. Scale the bounding box so its longer side is 20 pixels (of 28).
        let fit = max(1, roundLikeJavaScript(Double(size) * Double(mnistBox) / Double(mnistSize)))
        let scale = fit / Double(max(box.width, box.height))
        let boxWidth = Int(max(1, min(fit, roundLikeJavaScript(Double(box.width) * scale))))
        let boxHeight = Int(max(1, min(fit, roundLikeJavaScript(Double(box.height) * scale))))
        let scaled = resampleArea(ink, sourceWidth: width, box: box, targetWidth: boxWidth, targetHeight: boxHeight)

        // 2. Translate by whole pixels so the centre of mass lands on (14, 14) (of 28).
        let centre = centreOfMass(scaled, width: boxWidth, height: boxHeight)
        let offsetX = Int(roundLikeJavaScript(Double(size) / 2 - centre.x))
        let offsetY = Int(roundLikeJavaScript(Double(size) / 2 - centre.y))

        // 3. Stretch the contrast so the brightest pixel is 255, as in MNIST.
        var peak = 0.0
        for value in scaled { peak = max(peak, Double(value)) }
        let gain = peak > 0 ? 255 / peak : 0

        for y in 0..<boxHeight {
            let targetY = y + offsetY
            if targetY < 0 || targetY >= size { continue }
            for x in 0..<boxWidth {
                let targetX = x + offsetX
                if targetX < 0 || targetX >= size { continue }
                output[targetY * size + targetX] = Float(roundLikeJavaScript(Double(scaled[y * boxWidth + x]) * gain))
            }
        }
        return output
    }

    /// The smallest rectangle holding every pixel with ink (> 0), or nil for an image without ink.
    static func inkBoundingBox(_ ink: [Double], width: Int, height: Int) -> InkBox? {
        var left = width, right = -1, top = height, bottom = -1
        for y in 0..<height {
            let row = y * width
            for x in 0..<width where ink[row + x] > 0 {
                left = min(left, x)
                right = max(right, x)
                top = min(top, y)
                bottom = max(bottom, y)
            }
        }
        guard right >= 0 else { return nil }
        return InkBox(left: left, top: top, width: right - left + 1, height: bottom - top + 1)
    }

    /// Centre of mass in pixel-index coordinates (pixel (x, y) has its weight at x, y); the middle when all is 0.
    static func centreOfMass(_ pixels: [Float], width: Int, height: Int) -> (x: Double, y: Double) {
        var total = 0.0, sumX = 0.0, sumY = 0.0
        for y in 0..<height {
            for x in 0..<width {
                let value = Double(pixels[y * width + x])
                total += value
                sumX += value * Double(x)
                sumY += value * Double(y)
            }
        }
        if total == 0 { return (Double(width - 1) / 2, Double(height - 1) / 2) }
        return (sumX / total, sumY / total)
    }

    /// Resamples `box` of the source to `targetWidth x targetHeight` by area averaging: each target pixel is the
    /// mean of the source area it covers, weighted by partial coverage. This anti-aliases when shrinking and
    /// interpolates blockily when enlarging.
    static func resampleArea(_ source: [Double], sourceWidth: Int, box: InkBox,
                             targetWidth: Int, targetHeight: Int) -> [Float] {
        var result = [Float](repeating: 0, count: targetWidth * targetHeight)
        let stepX = Double(box.width) / Double(targetWidth)
        let stepY = Double(box.height) / Double(targetHeight)
        let weightsX = coverageWeights(start: box.left, step: stepX, count: targetWidth)
        let weightsY = coverageWeights(start: box.top, step: stepY, count: targetHeight)
        for ty in 0..<targetHeight {
            let rows = weightsY[ty]
            for tx in 0..<targetWidth {
                let columns = weightsX[tx]
                var sum = 0.0
                for (sy, wy) in rows {
                    let row = sy * sourceWidth
                    for (sx, wx) in columns { sum += source[row + sx] * wx * wy }
                }
                result[ty * targetWidth + tx] = Float(sum / (stepX * stepY))
            }
        }
        return result
    }

    /// For each target index, the source indices it covers and by how much (in source pixels). Overlaps below
    /// 1e-9 are rounding error at a cell's edge, not coverage (and may lie past the box).
    static func coverageWeights(start: Int, step: Double, count: Int) -> [[(index: Int, overlap: Double)]] {
        (0..<count).map { target in
            let from = Double(start) + Double(target) * step
            let to = from + step
            var cells: [(index: Int, overlap: Double)] = []
            var source = from.rounded(.down)
            while source < to {
                let overlap = min(to, source + 1) - max(from, source)
                if overlap > 1e-9 { cells.append((Int(source), overlap)) }
                source += 1
            }
            return cells
        }
    }

    /// JavaScript's Math.round: the nearest integer, halves toward +infinity (Swift's `rounded()` takes -2.5 to
    /// -3, JavaScript to -2). `value - floor(value)` is exact in floating point, so the comparison is too.
    static func roundLikeJavaScript(_ value: Double) -> Double {
        let below = value.rounded(.down)
        return value - below >= 0.5 ? below + 1 : below
    }
}
