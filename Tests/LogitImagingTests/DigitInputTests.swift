import Testing
@testable import LogitImaging

@Suite struct DigitInputTests {
    /// A 28x28 "digit" already laid out as MNIST's are (a 4x20 bar, its long side 20 pixels, its centre of mass
    /// at (14.5, 14.5), which rounds to the same whole-pixel shift): MNIST's preparation leaves it as it is.
    static let digit: [Float] = {
        var digit = [Float](repeating: 0, count: 784)
        for y in 5..<25 { for x in 13..<17 { digit[y * 28 + x] = 255 } }
        return digit
    }()

    /// The digit drawn `factor` times larger, each pixel's ink turned into a colour by `paint`.
    static func drawn(factor: Int, paint: (UInt8) -> RGBAColor) -> RGBAImage {
        var image = RGBAImage(width: 28 * factor, height: 28 * factor)
        for y in 0..<image.height {
            for x in 0..<image.width { image[x: x, y: y] = paint(UInt8(digit[(y / factor) * 28 + x / factor])) }
        }
        return image
    }

    @Test func theDigitComesBackAsItselfAtAnySizeAndPolarity() {
        let pictures = [
            "white on black, 28x28": Self.drawn(factor: 1) { .gray($0) },
            "black on white, 84x84": Self.drawn(factor: 3) { .gray(255 - $0) },
            "black on transparent, 56x56": Self.drawn(factor: 2) { RGBAColor(r: 0, g: 0, b: 0, a: $0) },
        ]
        for (name, picture) in pictures {
            #expect(DigitInput.pixels(from: picture) == Self.digit, "\(name)")
        }
    }

    @Test func inkIsTheGreyLevelOrItsInverseForBlackOnWhite() {
        var whiteOnBlack = RGBAImage(width: 3, height: 3, fill: .black)
        whiteOnBlack[x: 1, y: 1] = .gray(200)
        #expect(DigitInput.inkIntensities(of: whiteOnBlack) == [0, 0, 0, 0, 200, 0, 0, 0, 0])
        var blackOnWhite = RGBAImage(width: 3, height: 3, fill: .white)
        blackOnWhite[x: 1, y: 1] = .gray(55)
        #expect(DigitInput.inkIntensities(of: blackOnWhite) == [0, 0, 0, 0, 200, 0, 0, 0, 0])
        // Colour is weighed by luminance; paper is exactly 0 so that it stays out of the ink's bounding box.
        blackOnWhite[x: 1, y: 1] = RGBAColor(r: 255, g: 0, b: 0)
        #expect(abs(DigitInput.inkIntensities(of: blackOnWhite)[4] - (255 - 0.299 * 255)) < 1e-9)
    }

    @Test func transparencyIsWhitePaper() {
        let clear = RGBAImage(width: 40, height: 30, fill: .transparent)
        #expect(DigitInput.inkIntensities(of: clear).allSatisfy { $0 == 0 })
        #expect(DigitInput.pixels(from: clear) == [Float](repeating: 0, count: 784))
        var halfClear = RGBAImage(width: 3, height: 3, fill: .transparent)
        halfClear[x: 1, y: 1] = RGBAColor(r: 0, g: 0, b: 0, a: 51)
        #expect(DigitInput.inkIntensities(of: halfClear)[4] == 51)
    }

    @Test func noInkGivesZerosAtTheModelsSize() {
        #expect(DigitInput.pixels(from: RGBAImage(width: 5, height: 9, fill: .white)) == [Float](repeating: 0, count: 784))
        #expect(DigitInput.pixels(from: RGBAImage(width: 50, height: 50, fill: .black), size: 16)
                == [Float](repeating: 0, count: 256))
    }

    @Test func aWhiteDotOnBlackOrABlackDotOnWhiteFillsTheBox() {
        var whiteDot = RGBAImage(width: 7, height: 5, fill: .black)
        whiteDot[x: 2, y: 3] = .white
        var blackDot = RGBAImage(width: 7, height: 5, fill: .white)
        blackDot[x: 2, y: 3] = .black
        let fromWhite = DigitInput.pixels(from: whiteDot)
        #expect(fromWhite == DigitInput.pixels(from: blackDot))
        #expect(fromWhite.filter { $0 == 255 }.count == 400)
        #expect(fromWhite.filter { $0 == 0 }.count == 784 - 400)
    }
}
