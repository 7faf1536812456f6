import Testing
@testable import LogitImaging

@Suite struct BitmapFontTests {
    @Test func textCoversItsMeasuredSizeAndNoMore() {
        var image = RGBAImage(width: 40, height: 20, fill: .white)
        image.draw(text: "7>2", at: (x: 3, y: 4), scale: 1, color: .black)
        let size = BitmapFont.size(of: "7>2")
        #expect(size.width == 17 && size.height == 7)
        var minX = Int.max, maxX = Int.min, minY = Int.max, maxY = Int.min
        for y in 0..<image.height {
            for x in 0..<image.width where image[x: x, y: y] == .black {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        #expect(minX >= 3 && maxX < 3 + size.width)
        #expect(minY >= 4 && maxY < 4 + size.height)
    }

    @Test func lowercaseUsesTheUppercaseShapesAndUnknownCharactersAQuestionMark() {
        #expect(BitmapFont.glyphRows(for: "a") == BitmapFont.glyphRows(for: "A"))
        #expect(BitmapFont.glyphRows(for: "é") == BitmapFont.glyphRows(for: "?"))
        #expect(BitmapFont.glyphRows(for: "ß") == BitmapFont.glyphRows(for: "?"))
        for character in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-.|>:/ " {
            #expect(BitmapFont.glyphRows(for: character).count == BitmapFont.glyphHeight)
        }
    }

    @Test func textOutsideTheImageIsClipped() {
        var image = RGBAImage(width: 8, height: 8, fill: .white)
        image.draw(text: "WIDE TEXT", at: (x: -4, y: 5), scale: 2, color: .black)
        #expect(image.pixels.count == 8 * 8 * 4)
    }
}
