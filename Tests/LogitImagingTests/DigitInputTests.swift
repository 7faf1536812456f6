import Testing
@testable import LogitImaging

@Suite struct DigitInputTests {
    /// A 28x28 "digit" (a bright bar on black), drawn three times larger and black on white, comes back as itself.
    @Test func enlargedInvertedDigitsComeBackAsMNISTPixels() {
        var digit = [Float](repeating: 0, count: 784)
        for y in 6..<22 { for x in 12..<16 { digit[y * 28 + x] = 255 } }
        var image = RGBAImage(width: 84, height: 84, fill: .white)
        for y in 0..<84 {
            for x in 0..<84 {
                let value = UInt8(255 - digit[(y / 3) * 28 + x / 3])
                image[x: x, y: y] = RGBAColor(r: value, g: value, b: value)
            }
        }
        let pixels = DigitInput.pixels(from: image)
        #expect(pixels.count == 784)
        for (found, expected) in zip(pixels, digit) { #expect(abs(found - expected) < 0.5) }
    }

    @Test func whiteOnBlackIsKeptAndTransparencyIsPaper() {
        var image = RGBAImage(width: 2, height: 2, fill: .black)
        image[x: 1, y: 1] = .white
        let same = DigitInput.pixels(from: image, size: 2)
        #expect(same == [0, 0, 0, 255])
        let clear = RGBAImage(width: 4, height: 4, fill: .transparent)
        #expect(DigitInput.pixels(from: clear, size: 2) == [0, 0, 0, 0])  // white paper, inverted to background
    }
}
