/// Turns a picture of a digit (any size, grey or colour, either polarity) into the model's input: a `size x size`
/// grid of grey levels 0-255, white strokes on a black background, laid out as MNIST's digits are.
public enum DigitInput {
    /// Grey levels (0-255) of `image` prepared as MNIST prepared its digits (`MNISTPreprocess`, the algorithm the
    /// page's drawing pad uses too), from the picture's ink intensities (`inkIntensities(of:)`).
    public static func pixels(from image: RGBAImage, size: Int = MNISTPreprocess.mnistSize) -> [Float] {
        MNISTPreprocess.pixels(ink: inkIntensities(of: image), width: image.width, height: image.height, size: size)
    }

    /// How much ink each pixel of `image` holds (0-255, 0 = background), row-major: its grey level (luminance
    /// composited over white paper, so transparent pixels are paper), inverted when the picture is black on white,
    /// that is when its border is mostly light.
    public static func inkIntensities(of image: RGBAImage) -> [Double] {
        precondition(image.width > 0 && image.height > 0, "empty image")
        var grey = [Double](repeating: 0, count: image.width * image.height)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let pixel = image[x: x, y: y]
                // In integers up to one division, so that pure white is exactly 255 and its ink exactly 0: the
                // bounding box of the ink takes any pixel above 0.
                let luminance = 299 * Int(pixel.r) + 587 * Int(pixel.g) + 114 * Int(pixel.b)
                let alpha = Int(pixel.a)
                grey[y * image.width + x] = Double(luminance * alpha + 255_000 * (255 - alpha)) / 255_000
            }
        }
        var border = 0.0
        var borderCount = 0
        for x in 0..<image.width {
            border += grey[x] + grey[(image.height - 1) * image.width + x]
            borderCount += 2
        }
        for y in 0..<image.height {
            border += grey[y * image.width] + grey[y * image.width + image.width - 1]
            borderCount += 2
        }
        guard border / Double(borderCount) > 127 else { return grey }
        return grey.map { 255 - $0 }
    }
}
