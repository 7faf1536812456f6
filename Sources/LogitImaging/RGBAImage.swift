/// One 8-bit sRGB colour with straight (not premultiplied) alpha.
public struct RGBAColor: Sendable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public var a: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8, a: UInt8 = 255) {
        self.r = r
        self.g = g
        self.b = b
        self.a = a
    }

    /// An opaque grey: `gray(0)` is black, `gray(255)` white.
    public static func gray(_ level: UInt8) -> RGBAColor { RGBAColor(r: level, g: level, b: level) }

    public static let white = RGBAColor(r: 255, g: 255, b: 255)
    public static let black = RGBAColor(r: 0, g: 0, b: 0)
    public static let transparent = RGBAColor(r: 0, g: 0, b: 0, a: 0)
}

/// An 8-bit RGBA raster: `width * height` pixels of four bytes, row-major from the top-left corner,
/// exactly the layout `PNGCodec` reads and writes.
public struct RGBAImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// `width * height * 4` bytes: r, g, b, a for each pixel, row by row.
    public var pixels: [UInt8]

    /// An image filled with one colour.
    public init(width: Int, height: Int, fill: RGBAColor = .white) {
        precondition(width >= 0 && height >= 0, "image dimensions must not be negative")
        self.width = width
        self.height = height
        let count = width * height
        self.pixels = [UInt8](unsafeUninitializedCapacity: count * 4) { buffer, initialized in
            for pixel in 0..<count {
                buffer[pixel * 4] = fill.r
                buffer[pixel * 4 + 1] = fill.g
                buffer[pixel * 4 + 2] = fill.b
                buffer[pixel * 4 + 3] = fill.a
            }
            initialized = count * 4
        }
    }

    /// An image over existing RGBA bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "image dimensions must not be negative")
        precondition(pixels.count == width * height * 4, "pixels must hold width * height * 4 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The pixel at column `x`, row `y` (both from the top-left corner).
    public subscript(x x: Int, y y: Int) -> RGBAColor {
        get {
            let offset = byteOffset(x: x, y: y)
            return RGBAColor(r: pixels[offset], g: pixels[offset + 1], b: pixels[offset + 2], a: pixels[offset + 3])
        }
        set {
            let offset = byteOffset(x: x, y: y)
            pixels[offset] = newValue.r
            pixels[offset + 1] = newValue.g
            pixels[offset + 2] = newValue.b
            pixels[offset + 3] = newValue.a
        }
    }

    @inline(__always)
    private func byteOffset(x: Int, y: Int) -> Int {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside the image")
        return (y * width + x) * 4
    }

    /// Paints a rectangle in one colour, clipped to the image (so callers need not clip).
    public mutating func fillRectangle(x: Int, y: Int, width rectangleWidth: Int, height rectangleHeight: Int,
                                       color: RGBAColor) {
        let left = max(0, x), right = min(width, x + rectangleWidth)
        let top = max(0, y), bottom = min(height, y + rectangleHeight)
        guard left < right, top < bottom else { return }
        let imageWidth = width
        pixels.withUnsafeMutableBufferPointer { bytes in
            for row in top..<bottom {
                var offset = (row * imageWidth + left) * 4
                for _ in left..<right {
                    bytes[offset] = color.r
                    bytes[offset + 1] = color.g
                    bytes[offset + 2] = color.b
                    bytes[offset + 3] = color.a
                    offset += 4
                }
            }
        }
    }

    /// Draws a one-pixel rectangle outline, clipped to the image.
    public mutating func strokeRectangle(x: Int, y: Int, width rectangleWidth: Int, height rectangleHeight: Int,
                                         color: RGBAColor) {
        guard rectangleWidth > 0, rectangleHeight > 0 else { return }
        fillRectangle(x: x, y: y, width: rectangleWidth, height: 1, color: color)
        fillRectangle(x: x, y: y + rectangleHeight - 1, width: rectangleWidth, height: 1, color: color)
        fillRectangle(x: x, y: y, width: 1, height: rectangleHeight, color: color)
        fillRectangle(x: x + rectangleWidth - 1, y: y, width: 1, height: rectangleHeight, color: color)
    }
}
