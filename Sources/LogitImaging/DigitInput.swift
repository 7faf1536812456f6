/// Turns a picture of a digit (any size, grey or colour) into the model's input: a `size x size` grid of grey
/// levels 0-255, white strokes on a black background as in MNIST.
public enum DigitInput {
    /// Grey levels (0-255) of `image`, resampled to `size x size` by averaging the source pixels each target pixel
    /// covers (bilinear-free box filter, which suits both shrinking and, with one sample, enlarging). Transparent
    /// pixels count as white paper. A picture whose border is mostly light is black-on-white and is inverted.
    public static func pixels(from image: RGBAImage, size: Int = 28) -> [Float] {
        precondition(image.width > 0 && image.height > 0, "empty image")
        var grey = [Float](repeating: 0, count: image.width * image.height)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let pixel = image[x: x, y: y]
                let luminance = 0.299 * Float(pixel.r) + 0.587 * Float(pixel.g) + 0.114 * Float(pixel.b)
                let alpha = Float(pixel.a) / 255
                grey[y * image.width + x] = luminance * alpha + 255 * (1 - alpha)
            }
        }
        var border: Float = 0
        var borderCount = 0
        for x in 0..<image.width {
            border += grey[x] + grey[(image.height - 1) * image.width + x]
            borderCount += 2
        }
        for y in 0..<image.height {
            border += grey[y * image.width] + grey[y * image.width + image.width - 1]
            borderCount += 2
        }
        let invert = border / Float(borderCount) > 127

        var output = [Float](repeating: 0, count: size * size)
        for ty in 0..<size {
            let y0 = Double(ty) * Double(image.height) / Double(size)
            let y1 = Double(ty + 1) * Double(image.height) / Double(size)
            for tx in 0..<size {
                let x0 = Double(tx) * Double(image.width) / Double(size)
                let x1 = Double(tx + 1) * Double(image.width) / Double(size)
                // Average over the source pixels the target pixel overlaps, weighted by overlap.
                var total = 0.0
                var weight = 0.0
                for sy in Int(y0)..<min(image.height, max(Int(y0) + 1, Int(y1.rounded(.up)))) {
                    let wy = min(Double(sy + 1), y1) - max(Double(sy), y0)
                    for sx in Int(x0)..<min(image.width, max(Int(x0) + 1, Int(x1.rounded(.up)))) {
                        let wx = min(Double(sx + 1), x1) - max(Double(sx), x0)
                        let w = max(wx, 0) * max(wy, 0)
                        total += w * Double(grey[sy * image.width + sx])
                        weight += w
                    }
                }
                let value = Float(weight > 0 ? total / weight : 0)
                output[ty * size + tx] = min(max(invert ? 255 - value : value, 0), 255)
            }
        }
        return output
    }
}
