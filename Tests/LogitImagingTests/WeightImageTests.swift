import Testing
@testable import LogitImaging

@Suite struct WeightImageTests {
    static let side = 28
    /// Source pixels (row, column) well clear of the label box in the top-left corner.
    static let positiveSpot = (row: 20, column: 20)
    static let negativeSpot = (row: 24, column: 5)
    static let zeroSpot = (row: 14, column: 14)

    /// Ten 28x28 tiles, all zero except one positive and one negative weight per tile.
    static func signedTiles(count: Int = 10) -> [[Float]] {
        (0..<count).map { index in
            var tile = [Float](repeating: 0, count: side * side)
            tile[positiveSpot.row * side + positiveSpot.column] = 0.5 + Float(index) * 0.01
            tile[negativeSpot.row * side + negativeSpot.column] = -0.25
            return tile
        }
    }

    static let digitLabels = (0..<10).map(String.init)

    /// The colour at the centre of the square that shows source pixel (`row`, `column`) of tile `tile`.
    static func color(in image: RGBAImage, layout: TileGridLayout, tile: Int, row: Int, column: Int) -> RGBAColor {
        let square = layout.sourcePixelFrame(tile: tile, row: row, column: column)
        return image[x: square.x + square.width / 2, y: square.y + square.height / 2]
    }

    @Test func renderedImageDecodesAtTheLayoutsSize() throws {
        let options = TileGridOptions()
        let image = ImageRenderer.renderWeightTiles(Self.signedTiles(), height: 28, width: 28,
                                                    labels: Self.digitLabels, options: options)
        let layout = ImageRenderer.weightTileLayout(tileCount: 10, height: 28, width: 28, options: options)
        #expect(layout.columns == 4 && layout.rows == 3)
        let decoded = try PNGCodec.decode(PNGCodec.encode(image))
        #expect(decoded.width == layout.imageWidth)
        #expect(decoded.height == layout.imageHeight)
        #expect(decoded == image)
        // The grid and the bar fit inside the image.
        let lastTile = layout.tileFrame(index: 9)
        #expect(lastTile.x + lastTile.width <= layout.imageWidth)
        let bar = try #require(layout.colorBar)
        #expect(bar.y > lastTile.y + lastTile.height)
        #expect(bar.y + bar.height < layout.imageHeight)
    }

    @Test func weightSignsShowAsRedAndBlueAndZeroAsExactWhite() throws {
        let tiles = Self.signedTiles()
        let options = TileGridOptions()
        let image = try PNGCodec.decode(PNGCodec.encode(
            ImageRenderer.renderWeightTiles(tiles, height: 28, width: 28, labels: Self.digitLabels, options: options)))
        let layout = ImageRenderer.weightTileLayout(tileCount: tiles.count, height: 28, width: 28, options: options)
        for tile in 0..<tiles.count {
            let zero = Self.color(in: image, layout: layout, tile: tile, row: Self.zeroSpot.row, column: Self.zeroSpot.column)
            #expect(zero == .white)
            let positive = Self.color(in: image, layout: layout, tile: tile,
                                      row: Self.positiveSpot.row, column: Self.positiveSpot.column)
            #expect(positive.r > positive.b)
            #expect(positive.r > positive.g)
            let negative = Self.color(in: image, layout: layout, tile: tile,
                                      row: Self.negativeSpot.row, column: Self.negativeSpot.column)
            #expect(negative.b > negative.r)
        }
        // One shared scale: the largest weight (tile 9) takes the full end colour, and a weaker one is paler.
        let strongest = Self.color(in: image, layout: layout, tile: 9, row: 20, column: 20)
        #expect(strongest == Colormap.positiveEnd)
        let weaker = Self.color(in: image, layout: layout, tile: 0, row: 20, column: 20)
        #expect(weaker.g > strongest.g)
    }

    @Test func everyPixelOfAnUpscaledWeightHasItsColour() {
        let options = TileGridOptions(scale: 3, showLabels: false, showColorBar: false)
        let tiles: [[Float]] = [[1, 0, -1, 0]]
        let image = ImageRenderer.renderWeightTiles(tiles, height: 2, width: 2, labels: [], options: options)
        let layout = ImageRenderer.weightTileLayout(tileCount: 1, height: 2, width: 2, options: options)
        let expected: [RGBAColor] = [Colormap.positiveEnd, .white, Colormap.negativeEnd, .white]
        for (index, color) in expected.enumerated() {
            let square = layout.sourcePixelFrame(tile: 0, row: index / 2, column: index % 2)
            for y in square.y..<(square.y + square.height) {
                for x in square.x..<(square.x + square.width) {
                    #expect(image[x: x, y: y] == color)
                }
            }
        }
    }

    @Test func allZeroWeightsRenderEveryTilePixelWhite() {
        let tiles = [[Float]](repeating: [Float](repeating: 0, count: 28 * 28), count: 10)
        let options = TileGridOptions()
        let image = ImageRenderer.renderWeightTiles(tiles, height: 28, width: 28, labels: Self.digitLabels,
                                                    options: options)
        let layout = ImageRenderer.weightTileLayout(tileCount: 10, height: 28, width: 28, options: options)
        var nonWhite = 0
        for tile in 0..<10 {
            let frame = layout.tileFrame(index: tile)
            let label = layout.labelFrame(tile: tile, label: Self.digitLabels[tile])!
            for y in frame.y..<(frame.y + frame.height) {
                for x in frame.x..<(frame.x + frame.width) where !(x < label.x + label.width && y < label.y + label.height) {
                    if image[x: x, y: y] != .white { nonWhite += 1 }
                }
            }
        }
        #expect(nonWhite == 0)
        // With no scale the colour bar is white too, and still drawn.
        let bar = layout.colorBar!
        #expect(image[x: bar.x, y: bar.y] == .white)
        #expect(image[x: bar.x + bar.width - 1, y: bar.y] == .white)
    }

    @Test func singleTileOfABinaryModelIsOneTileAndABar() {
        let tile = Self.signedTiles(count: 1)
        let image = ImageRenderer.renderWeightTiles(tile, height: 28, width: 28, labels: ["1"])
        let layout = ImageRenderer.weightTileLayout(tileCount: 1, height: 28, width: 28)
        #expect(layout.columns == 1 && layout.rows == 1)
        #expect(image.width == layout.imageWidth && image.height == layout.imageHeight)
        #expect(layout.colorBar != nil)
    }

    @Test func grayColormapMapsZeroToMidGrey() {
        #expect(Colormap.gray.color(for: 0, limit: 1) == .gray(128))
        #expect(Colormap.gray.color(for: -1, limit: 1) == .gray(0))
        #expect(Colormap.gray.color(for: 1, limit: 1) == .gray(255))
        #expect(Colormap.gray.color(for: 0, limit: 0) == .gray(128))

        let options = TileGridOptions(colormap: .gray)
        let tiles = Self.signedTiles(count: 2)
        let image = ImageRenderer.renderWeightTiles(tiles, height: 28, width: 28, labels: ["0", "1"], options: options)
        let layout = ImageRenderer.weightTileLayout(tileCount: 2, height: 28, width: 28, options: options)
        #expect(Self.color(in: image, layout: layout, tile: 0, row: 14, column: 14) == .gray(128))
        #expect(Self.color(in: image, layout: layout, tile: 1, row: 20, column: 20) == .gray(255))
        let negative = Self.color(in: image, layout: layout, tile: 0, row: 24, column: 5)
        #expect(negative.r < 128 && negative.r == negative.b)
    }

    @Test func divergingColormapIsSymmetricAndSafe() {
        let map = Colormap.diverging
        #expect(map.color(for: 0, limit: 2) == .white)
        #expect(map.color(for: 5, limit: 0) == .white)  // no scale: no division by zero
        #expect(map.color(for: .nan, limit: 1) == .white)
        #expect(map.color(for: 3, limit: 1) == Colormap.positiveEnd)  // clamped
        #expect(map.color(for: -.infinity, limit: 1) == Colormap.negativeEnd)
        let half = map.color(for: 0.5, limit: 1)
        #expect(half.r > half.b && half.g > Colormap.positiveEnd.g)
    }

    @Test func labelsChangePixels() {
        let tiles = Self.signedTiles()
        let labelled = ImageRenderer.renderWeightTiles(tiles, height: 28, width: 28, labels: Self.digitLabels,
                                                       options: TileGridOptions(showLabels: true))
        let plain = ImageRenderer.renderWeightTiles(tiles, height: 28, width: 28, labels: Self.digitLabels,
                                                    options: TileGridOptions(showLabels: false))
        #expect(labelled.width == plain.width && labelled.height == plain.height)
        #expect(labelled != plain)
        // The difference lies inside the label box: dark text pixels on its white background.
        let layout = ImageRenderer.weightTileLayout(tileCount: 10, height: 28, width: 28)
        let box = layout.labelFrame(tile: 3, label: "3")!
        var darkPixels = 0
        for y in box.y..<(box.y + box.height) {
            for x in box.x..<(box.x + box.width) where labelled[x: x, y: y].r < 100 { darkPixels += 1 }
        }
        #expect(darkPixels > 0)
    }

    @Test func colorBarRunsFromBlueOnTheLeftToRedOnTheRight() throws {
        let options = TileGridOptions()
        let image = ImageRenderer.renderWeightTiles(Self.signedTiles(), height: 28, width: 28,
                                                    labels: Self.digitLabels, options: options)
        let layout = ImageRenderer.weightTileLayout(tileCount: 10, height: 28, width: 28, options: options)
        let bar = try #require(layout.colorBar)
        let middleY = bar.y + bar.height / 2
        let left = image[x: bar.x, y: middleY]
        let right = image[x: bar.x + bar.width - 1, y: middleY]
        #expect(left == Colormap.negativeEnd)
        #expect(right == Colormap.positiveEnd)
        #expect(left.b > left.r)
        #expect(right.r > right.b)
        // Values are written under the bar.
        var textPixels = 0
        let textTop = bar.y + bar.height + 1
        for y in textTop..<layout.imageHeight {
            for x in 0..<layout.imageWidth where image[x: x, y: y].r < 100 { textPixels += 1 }
        }
        #expect(textPixels > 0)
    }

    @Test func noColorBarMakesTheImageShorter() {
        let tiles = Self.signedTiles(count: 3)
        let withBar = ImageRenderer.renderWeightTiles(tiles, height: 28, width: 28, labels: [])
        let withoutBar = ImageRenderer.renderWeightTiles(tiles, height: 28, width: 28, labels: [],
                                                         options: TileGridOptions(showColorBar: false))
        #expect(withoutBar.height < withBar.height)
    }

    @Test func grayTilesShowValuesAsTheyAreWithLabels() {
        var digit = [Float](repeating: 0, count: 28 * 28)
        digit[10 * 28 + 12] = 255
        digit[11 * 28 + 12] = 127.5
        let tiles = [digit, digit]
        let labels = ["7>2", "4>9"]
        let image = ImageRenderer.renderGrayTiles(tiles, height: 28, width: 28, labels: labels)
        let layout = ImageRenderer.grayTileLayout(tileCount: 2, height: 28, width: 28)
        #expect(image.width == layout.imageWidth && image.height == layout.imageHeight)
        #expect(Self.color(in: image, layout: layout, tile: 1, row: 10, column: 12) == .white)
        #expect(Self.color(in: image, layout: layout, tile: 1, row: 11, column: 12) == .gray(128))
        #expect(Self.color(in: image, layout: layout, tile: 1, row: 20, column: 20) == .black)
        // The label box is white and holds dark text.
        let box = layout.labelFrame(tile: 0, label: "7>2")!
        #expect(image[x: box.x, y: box.y] == .white)
        let unlabelled = ImageRenderer.renderGrayTiles(tiles, height: 28, width: 28, labels: [])
        #expect(unlabelled != image)
        #expect(unlabelled[x: box.x, y: box.y] == .black)

        // Another maximum: values are fractions of it.
        let unit = ImageRenderer.renderGrayTiles([[0, 0.5, 1, 2]], height: 2, width: 2, labels: [], maximum: 1, scale: 1)
        let unitLayout = ImageRenderer.grayTileLayout(tileCount: 1, height: 2, width: 2, scale: 1)
        let origin = unitLayout.tileOrigin(index: 0)
        #expect(unit[x: origin.x + 1, y: origin.y] == .gray(128))
        #expect(unit[x: origin.x + 1, y: origin.y + 1] == .white)  // 2 is clamped to the maximum
    }

    @Test func defaultColumnsMakeANearSquareGridOfAtMostTen() {
        #expect(TileGridLayout.defaultColumns(tileCount: 0) == 1)
        #expect(TileGridLayout.defaultColumns(tileCount: 1) == 1)
        #expect(TileGridLayout.defaultColumns(tileCount: 2) == 2)
        #expect(TileGridLayout.defaultColumns(tileCount: 9) == 3)
        #expect(TileGridLayout.defaultColumns(tileCount: 10) == 4)
        #expect(TileGridLayout.defaultColumns(tileCount: 500) == 10)
        let layout = TileGridLayout(tileCount: 7, height: 3, width: 3, scale: 2, columns: 5, showColorBar: false)
        #expect(layout.rows == 2)
        #expect(layout.tileOrigin(index: 5).x == layout.tileOrigin(index: 0).x)
        #expect(layout.tileOrigin(index: 1).x == layout.tileOrigin(index: 0).x + 6 + TileGridLayout.gap)
    }

    @Test func noTilesGiveASmallBlankImage() {
        let image = ImageRenderer.renderWeightTiles([], height: 28, width: 28, labels: [])
        #expect(image.width > 0 && image.height > 0)
    }

    @Test func longLabelsAreCutToTheTileWidth() {
        let layout = ImageRenderer.grayTileLayout(tileCount: 1, height: 4, width: 4, scale: 4)
        let box = layout.labelFrame(tile: 0, label: "a label far too long")!
        #expect(box.width <= layout.tileWidth)
        #expect(layout.labelFrame(tile: 0, label: "") == nil)
    }

    @Test func scaleValuesAreWrittenCompactly() {
        #expect(ImageRenderer.compactDecimal(0) == "0")
        #expect(ImageRenderer.compactDecimal(0.123456) == "0.123")
        #expect(ImageRenderer.compactDecimal(0.5) == "0.5")
        #expect(ImageRenderer.compactDecimal(-0.0123) == "-0.0123")
        #expect(ImageRenderer.compactDecimal(4.567) == "4.57")
        #expect(ImageRenderer.compactDecimal(9.999) == "10")
        #expect(ImageRenderer.compactDecimal(789.4) == "789")
        #expect(ImageRenderer.compactDecimal(1.5e-5) == "1.5E-5")
        #expect(ImageRenderer.compactDecimal(3e7) == "3E7")
    }
}

