import CPNG

/// A PNG that could not be written or read, with libpng's own explanation where it gave one.
public struct PNGError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "PNG error: \(message)" }
}

/// PNG encoding and decoding through libpng's simplified API (`png_image`), which needs no setjmp error handling and
/// converts every colour type (grey, grey + alpha, RGB, palette, 16-bit) to 8-bit RGBA on the way in.
public enum PNGCodec {
    /// Decoding refuses images larger than this (in pixels), so a small hostile file cannot claim a huge buffer.
    public static let maximumDecodedPixelCount = 64 * 1024 * 1024

    /// The image as a PNG file (8-bit RGBA, non-interlaced).
    public static func encode(_ image: RGBAImage) throws -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw PNGError("cannot encode an empty \(image.width)x\(image.height) image")
        }
        guard image.width <= Int(Int32.max) / 4, image.height <= Int(UInt32.max) else {
            throw PNGError("image of \(image.width)x\(image.height) pixels is too large for PNG")
        }
        // `pixels` is a public var, so check it: libpng would otherwise read past its end.
        guard image.pixels.count == image.width * image.height * 4 else {
            throw PNGError("a \(image.width)x\(image.height) image needs \(image.width * image.height * 4) bytes "
                           + "of pixels, not \(image.pixels.count)")
        }

        var control = pngImage(width: image.width, height: image.height)
        let rowStride = Int32(image.width * 4)
        return try image.pixels.withUnsafeBytes { pixels -> [UInt8] in
            // The first call, without a buffer, only measures; the second writes.
            var size: png_alloc_size_t = 0
            guard png_image_write_to_memory(&control, nil, &size, 0, pixels.baseAddress, rowStride, nil) != 0 else {
                throw failure(of: &control, otherwise: "could not measure the encoded image")
            }
            var encoded = [UInt8](repeating: 0, count: Int(size))
            let written = encoded.withUnsafeMutableBytes { output in
                png_image_write_to_memory(&control, output.baseAddress, &size, 0, pixels.baseAddress, rowStride, nil)
            }
            guard written != 0 else {
                throw failure(of: &control, otherwise: "could not encode the image")
            }
            // `size` now holds the bytes actually written, which never exceed the measured size.
            encoded.removeSubrange(Int(size)...)
            return encoded
        }
    }

    /// The image in a PNG file, converted to 8-bit RGBA (opaque alpha where the file has none).
    public static func decode(_ bytes: [UInt8]) throws -> RGBAImage {
        guard !bytes.isEmpty else { throw PNGError("no data: an empty file is not a PNG") }
        // libpng keeps reading from the file's memory until the read finishes, so both steps share one borrow.
        return try bytes.withUnsafeBytes { file in
            var control = pngImage(width: 0, height: 0)
            guard png_image_begin_read_from_memory(&control, file.baseAddress, file.count) != 0 else {
                throw failure(of: &control, otherwise: "not a PNG file")
            }
            let width = Int(control.width), height = Int(control.height)
            guard width > 0, height > 0, width <= maximumDecodedPixelCount / height else {
                png_image_free(&control)
                throw PNGError("an image of \(width)x\(height) pixels exceeds the decoding limit of "
                               + "\(maximumDecodedPixelCount) pixels")
            }
            // Asking for RGBA makes libpng expand grey, palette and 16-bit files, and add opaque alpha.
            control.format = logit_PNG_FORMAT_RGBA()
            var pixels = [UInt8](repeating: 0, count: width * height * 4)
            let finished = pixels.withUnsafeMutableBytes { output in
                png_image_finish_read(&control, nil, output.baseAddress, Int32(width * 4), nil)
            }
            guard finished != 0 else {
                throw failure(of: &control, otherwise: "could not decode the image")
            }
            return RGBAImage(width: width, height: height, pixels: pixels)
        }
    }

    /// A zeroed control structure for 8-bit RGBA, as the simplified API requires.
    private static func pngImage(width: Int, height: Int) -> png_image {
        var control = png_image()
        control.version = UInt32(PNG_IMAGE_VERSION)
        control.width = UInt32(width)
        control.height = UInt32(height)
        control.format = logit_PNG_FORMAT_RGBA()
        return control
    }

    /// libpng's message for a failed call, after releasing whatever the call left allocated.
    private static func failure(of control: inout png_image, otherwise fallback: String) -> PNGError {
        let message = withUnsafeBytes(of: control.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        png_image_free(&control)  // safe to repeat: libpng may already have freed it
        return PNGError(message.isEmpty ? fallback : message)
    }
}
