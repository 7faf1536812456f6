import Testing
@testable import LogitImaging

/// The checks of tests/js/mnist-preprocess.test.mjs that need no MNIST data, on the Swift port.
@Suite struct MNISTPreprocessTests {
    static func inkBox(of pixels: [Float], size: Int = 28) -> MNISTPreprocess.InkBox? {
        MNISTPreprocess.inkBoundingBox(pixels.map(Double.init), width: size, height: size)
    }

    @Test func anEmptyDrawingGivesZeros() {
        let pixels = MNISTPreprocess.pixels(ink: [Double](repeating: 0, count: 280 * 280), width: 280, height: 280)
        #expect(pixels == [Float](repeating: 0, count: 784))
    }

    @Test func aTallThinStrokeKeepsItsAspectRatioAndIsCentred() throws {
        let width = 200, height = 200
        var ink = [Double](repeating: 0, count: width * height)
        for y in 20..<180 { for x in 150..<166 { ink[y * width + x] = 255 } }
        let pixels = MNISTPreprocess.pixels(ink: ink, width: width, height: height)
        let box = try #require(Self.inkBox(of: pixels))
        #expect(box.height == 20)
        #expect(box.width == 2)
        let centre = MNISTPreprocess.centreOfMass(pixels, width: 28, height: 28)
        #expect(abs(centre.x - 14) <= 0.5 && abs(centre.y - 14) <= 0.5)
        #expect(pixels.allSatisfy { $0 == $0.rounded() && (0...255).contains($0) })
    }

    @Test func aSingleDotIsEnlargedToTheBox() throws {
        var ink = [Double](repeating: 0, count: 50 * 40)
        ink[10 * 50 + 7] = 128
        let pixels = MNISTPreprocess.pixels(ink: ink, width: 50, height: 40)
        let box = try #require(Self.inkBox(of: pixels))
        #expect(box.width == 20 && box.height == 20)
        #expect(pixels.filter { $0 == 255 }.count == 400)
    }

    @Test func aFieldOfAnotherSizeKeepsMNISTProportions() throws {
        let width = 120, height = 90
        var ink = [Double](repeating: 0, count: width * height)
        for y in 10..<80 { for x in 30..<65 { ink[y * width + x] = 255 } }
        let pixels = MNISTPreprocess.pixels(ink: ink, width: width, height: height, size: 16)
        #expect(pixels.count == 256)
        let box = try #require(Self.inkBox(of: pixels, size: 16))
        #expect(box.width == 6 && box.height == 11)  // 11 = round(16 * 20 / 28), 6 = round(35 * 11 / 70)
        let centre = MNISTPreprocess.centreOfMass(pixels, width: 16, height: 16)
        #expect(abs(centre.x - 8) <= 0.5 && abs(centre.y - 8) <= 0.5)
    }

    @Test func roundingIsJavaScripts() {
        #expect(MNISTPreprocess.roundLikeJavaScript(2.5) == 3)
        #expect(MNISTPreprocess.roundLikeJavaScript(-2.5) == -2)
        #expect(MNISTPreprocess.roundLikeJavaScript(-2.5000000000000004) == -3)
        #expect(MNISTPreprocess.roundLikeJavaScript(0.49999999999999994) == 0)
        #expect(MNISTPreprocess.roundLikeJavaScript(-0.5) == 0)
        #expect(MNISTPreprocess.roundLikeJavaScript(4_503_599_627_370_495.5) == 4_503_599_627_370_496)
    }
}
