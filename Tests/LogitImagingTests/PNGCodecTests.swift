import Testing
import LogitImaging

@Suite struct PNGCodecTests {
    /// Every pixel distinct, alpha included (even fully transparent pixels keep their colour).
    static func gradientImage(width: Int, height: Int) -> RGBAImage {
        var image = RGBAImage(width: width, height: height, fill: .transparent)
        for y in 0..<height {
            for x in 0..<width {
                image[x: x, y: y] = RGBAColor(r: UInt8(x * 37 % 256), g: UInt8(y * 53 % 256),
                                              b: UInt8((x + y) * 11 % 256), a: UInt8((x * 7 + y * 13) % 256))
            }
        }
        return image
    }

    @Test func encodeThenDecodeKeepsSizeAndEveryPixel() throws {
        let image = Self.gradientImage(width: 37, height: 23)
        let encoded = try PNGCodec.encode(image)
        #expect(Array(encoded.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let decoded = try PNGCodec.decode(encoded)
        #expect(decoded.width == 37)
        #expect(decoded.height == 23)
        #expect(decoded == image)
    }

    @Test func onePixelImageRoundTrips() throws {
        let image = RGBAImage(width: 1, height: 1, fill: RGBAColor(r: 1, g: 2, b: 3, a: 4))
        #expect(try PNGCodec.decode(PNGCodec.encode(image)) == image)
    }

    @Test func emptyOrInconsistentImagesCannotBeEncoded() {
        #expect(throws: PNGError.self) { try PNGCodec.encode(RGBAImage(width: 0, height: 5)) }
        var image = RGBAImage(width: 2, height: 2)
        image.pixels.removeLast()
        #expect(throws: PNGError.self) { try PNGCodec.encode(image) }
    }

    @Test func garbageBytesThrowWithLibpngsMessage() {
        let garbage = Array("this is not a PNG file, just some text".utf8)
        let error = #expect(throws: PNGError.self) { try PNGCodec.decode(garbage) }
        #expect(error?.message.isEmpty == false)
        #expect(error?.description.hasPrefix("PNG error: ") == true)

        #expect(throws: PNGError.self) { try PNGCodec.decode([]) }
    }

    @Test func truncatedPNGThrows() throws {
        let encoded = try PNGCodec.encode(Self.gradientImage(width: 16, height: 16))
        #expect(throws: PNGError.self) { try PNGCodec.decode(Array(encoded.prefix(40))) }
        #expect(throws: PNGError.self) { try PNGCodec.decode(Array(encoded.dropLast(30))) }
    }

    /// 2x2 8-bit greyscale: 0, 255 / 128, 64.
    static let greyPNG: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00, 0x00, 0x00, 0x00, 0x57, 0xDD, 0x52, 0xF8, 0x00, 0x00, 0x00,
        0x0E, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0xF8, 0xCF, 0xD0, 0xE0, 0x00, 0x00, 0x05, 0x42, 0x01,
        0xC0, 0x70, 0x36, 0x36, 0xD6, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
    /// 2x1 palette: red, blue.
    static let palettePNG: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x03, 0x00, 0x00, 0x00, 0xC3, 0xFC, 0x8F, 0xB8, 0x00, 0x00, 0x00,
        0x06, 0x50, 0x4C, 0x54, 0x45, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x6C, 0xA1, 0xFD, 0x8E, 0x00, 0x00, 0x00,
        0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x60, 0x04, 0x00, 0x00, 0x04, 0x00, 0x02, 0xBF, 0x7A,
        0x3F, 0x4A, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
    /// 1x1 8-bit RGB: (10, 20, 30).
    static let rgbPNG: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00,
        0x0C, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xE0, 0x12, 0x91, 0x03, 0x00, 0x00, 0x68, 0x00, 0x3D, 0x54,
        0x08, 0xA3, 0xF7, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    @Test func greyPNGDecodesToOpaqueRGBA() throws {
        let image = try PNGCodec.decode(Self.greyPNG)
        #expect(image.width == 2 && image.height == 2)
        #expect(image[x: 0, y: 0] == .gray(0))
        #expect(image[x: 1, y: 0] == .gray(255))
        #expect(image[x: 0, y: 1] == .gray(128))
        #expect(image[x: 1, y: 1] == .gray(64))
    }

    @Test func palettePNGDecodesToRGBA() throws {
        let image = try PNGCodec.decode(Self.palettePNG)
        #expect(image.width == 2 && image.height == 1)
        #expect(image[x: 0, y: 0] == RGBAColor(r: 255, g: 0, b: 0))
        #expect(image[x: 1, y: 0] == RGBAColor(r: 0, g: 0, b: 255))
    }

    @Test func rgbPNGDecodesToOpaqueRGBA() throws {
        let image = try PNGCodec.decode(Self.rgbPNG)
        #expect(image.pixels == [10, 20, 30, 255])
    }
}
