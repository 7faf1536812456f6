import Foundation
import Testing
@testable import LogitImaging

/// The drawings of Tests/Fixtures/digit-drawings.json give exactly their recorded pixels. The pixels were made by
/// public/js/mnist-preprocess.js (scripts/make-digit-fixtures.mjs), and tests/js/digit-fixtures.test.mjs checks the
/// JavaScript against the same file, so the page and `logit predict` prepare a drawing identically.
@Suite struct DigitFixtureTests {
    struct Drawing: Decodable, CustomTestStringConvertible {
        let name: String
        let width: Int
        let height: Int
        let size: Int
        let ink: [Double]
        let pixels: [Float]

        var testDescription: String { "\(name) (\(width)x\(height) to \(size)x\(size))" }
    }

    struct FixtureFile: Decodable {
        let drawings: [Drawing]
    }

    static let drawings: [Drawing] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/digit-drawings.json")
        do {
            return try JSONDecoder().decode(FixtureFile.self, from: Data(contentsOf: file)).drawings
        } catch {
            Issue.record("cannot read \(file.path): \(error)")
            return []
        }
    }()

    @Test func theFixtureFileHasDrawings() {
        #expect(Self.drawings.count >= 5)
        for drawing in Self.drawings {
            #expect(drawing.ink.count == drawing.width * drawing.height, "\(drawing.name)")
            #expect(drawing.pixels.count == drawing.size * drawing.size, "\(drawing.name)")
        }
    }

    @Test(arguments: drawings)
    func theSwiftPortGivesTheRecordedPixels(_ drawing: Drawing) {
        let pixels = MNISTPreprocess.pixels(ink: drawing.ink, width: drawing.width, height: drawing.height,
                                            size: drawing.size)
        #expect(pixels == drawing.pixels)
    }

    /// A drawing of whole intensities, painted black on white or black on transparent, has exactly that ink, so
    /// a PNG of it gives the recorded pixels too.
    @Test(arguments: drawings.filter { $0.ink.allSatisfy { $0 == $0.rounded() && (0...255).contains($0) } })
    func aPictureOfTheDrawingGivesTheRecordedPixels(_ drawing: Drawing) {
        let paints: [(String, (UInt8) -> RGBAColor)] = [
            ("black on white", { .gray(255 - $0) }),
            ("white on black", { .gray($0) }),
            ("black on transparent", { RGBAColor(r: 0, g: 0, b: 0, a: $0) }),
        ]
        for (name, paint) in paints {
            var image = RGBAImage(width: drawing.width, height: drawing.height)
            for y in 0..<drawing.height {
                for x in 0..<drawing.width { image[x: x, y: y] = paint(UInt8(drawing.ink[y * drawing.width + x])) }
            }
            #expect(DigitInput.pixels(from: image, size: drawing.size) == drawing.pixels, "\(name)")
        }
    }
}
