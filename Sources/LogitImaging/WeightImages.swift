/// How weight values become colours. Both maps are symmetric around zero on a scale from `-limit` to `+limit`,
/// so the same weight magnitude looks equally strong whatever its sign.
public enum Colormap: String, Sendable, CaseIterable {
    /// Blue (negative) through white (zero) to red (positive): the sign of a weight reads at a glance.
    case diverging
    /// Black (`-limit`) through mid grey (zero, 128) to white (`+limit`).
    case gray

    /// The colour of `value` on the scale `-limit ... +limit`. Values beyond the limit take the end colour; a zero,
    /// NaN or non-finite limit, or a NaN value, gives the colour of zero (white or mid grey), never garbage.
    public func color(for value: Float, limit: Float) -> RGBAColor {
        var position: Float = 0  // -1 ... 1
        if limit > 0, limit.isFinite, !value.isNaN {
            position = min(1, max(-1, value / limit))
        }
        switch self {
        case .diverging:
            // Ends from ColorBrewer's RdBu: dark enough to show structure, white kept exactly at zero.
            let end = position >= 0 ? Self.positiveEnd : Self.negativeEnd
            let amount = abs(position)
            return RGBAColor(r: Self.blend(255, end.r, amount),
                             g: Self.blend(255, end.g, amount),
                             b: Self.blend(255, end.b, amount))
        case .gray:
            // 128 at zero exactly; 127 steps up to white, 128 down to black.
            let level = position >= 0 ? 128 + position * 127 : 128 + position * 128
            return .gray(UInt8(level.rounded()))
        }
    }

    static let positiveEnd = RGBAColor(r: 178, g: 24, b: 43)
    static let negativeEnd = RGBAColor(r: 33, g: 102, b: 172)

    @inline(__always)
    private static func blend(_ from: UInt8, _ to: UInt8, _ amount: Float) -> UInt8 {
        UInt8((Float(from) + (Float(to) - Float(from)) * amount).rounded())
    }
}

/// How `ImageRenderer.renderWeightTiles` draws its grid.
public struct TileGridOptions: Sendable {
    /// Each weight becomes a `scale` x `scale` square (nearest-neighbour upscaling keeps pixels crisp).
    public var scale: Int = 8
    public var colormap: Colormap = .diverging
    /// Tiles per row; by default `ceil(sqrt(tileCount))`, at most 10.
    public var columns: Int?
    /// Draws each tile's label in a small box in its top-left corner.
    public var showLabels = true
    /// Draws a colour bar from `-limit` to `+limit` under the grid.
    public var showColorBar = true
    /// The symmetric limit of the colour scale. By default it is the largest finite `|w|` over all tiles, one scale
    /// shared by every tile so their strengths compare; set it to compare several models on the same scale.
    public var valueLimit: Float?

    public init(scale: Int = 8, colormap: Colormap = .diverging, columns: Int? = nil, showLabels: Bool = true,
                showColorBar: Bool = true, valueLimit: Float? = nil) {
        self.scale = scale
        self.colormap = colormap
        self.columns = columns
        self.showLabels = showLabels
        self.showColorBar = showColorBar
        self.valueLimit = valueLimit
    }
}

/// A rectangle of image pixels.
public struct PixelRectangle: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// Where everything goes in a tile grid image. Renderers and tests share it, so pixel positions are computed,
/// never guessed.
public struct TileGridLayout: Sendable, Equatable {
    /// Space around the whole picture.
    public static let margin = 8
    /// Space between neighbouring tiles.
    public static let gap = 4
    /// Space between a label's text and the edge of its box.
    public static let labelPadding = 2
    /// Space between the grid and the colour bar.
    static let colorBarSpacing = 10
    /// Space between the colour bar and the values written under it.
    static let colorBarTextSpacing = 3
    /// Characters the colour bar needs room for: "-1.2E-10", "0" and "1.2E-10" with space between them.
    static let colorBarMinimumCharacters = 20

    public let tileCount: Int
    public let columns: Int
    public let rows: Int
    /// The upscaling factor of each source pixel.
    public let scale: Int
    /// A tile's size in image pixels (source size times scale).
    public let tileWidth: Int
    public let tileHeight: Int
    /// The font scale of labels and colour bar values.
    public let textScale: Int
    /// The grid's top-left corner.
    public let gridX: Int
    public let gridY: Int
    /// The colour gradient (inside its outline), if there is a colour bar.
    public let colorBar: PixelRectangle?
    public let imageWidth: Int
    public let imageHeight: Int

    public init(tileCount: Int, height sourceHeight: Int, width sourceWidth: Int, scale: Int, columns: Int?,
                showColorBar: Bool) {
        precondition(tileCount >= 0 && sourceHeight >= 0 && sourceWidth >= 0, "sizes must not be negative")
        let scale = max(1, scale)
        self.tileCount = tileCount
        self.scale = scale
        tileWidth = sourceWidth * scale
        tileHeight = sourceHeight * scale
        let columns = min(max(1, columns ?? Self.defaultColumns(tileCount: tileCount)), max(1, tileCount))
        self.columns = columns
        rows = (tileCount + columns - 1) / columns
        // Labels double in size on tiles wide enough to hold them (a 28-pixel digit at scale 8 is 224 pixels).
        textScale = tileWidth >= 160 ? 2 : 1

        let gridWidth = columns * tileWidth + (columns - 1) * Self.gap
        let gridHeight = max(0, rows * tileHeight + (rows - 1) * Self.gap)
        let textHeight = BitmapFont.glyphHeight * textScale
        let barWidth = max(gridWidth, Self.colorBarMinimumCharacters * BitmapFont.advance * textScale)
        let contentWidth = showColorBar ? max(gridWidth, barWidth) : gridWidth
        gridX = Self.margin + (contentWidth - gridWidth) / 2
        gridY = Self.margin
        var contentHeight = gridHeight
        if showColorBar {
            let barHeight = 8 + 4 * textScale
            // The outline sits one pixel outside the gradient.
            colorBar = PixelRectangle(x: Self.margin + 1, y: Self.margin + gridHeight + Self.colorBarSpacing + 1,
                                      width: barWidth - 2, height: barHeight - 2)
            contentHeight += Self.colorBarSpacing + barHeight + Self.colorBarTextSpacing + textHeight
        } else {
            colorBar = nil
        }
        imageWidth = contentWidth + 2 * Self.margin
        imageHeight = contentHeight + 2 * Self.margin
    }

    /// `ceil(sqrt(tileCount))`, at most 10: a near-square grid, never too wide to view.
    public static func defaultColumns(tileCount: Int) -> Int {
        var columns = 1
        while columns * columns < tileCount { columns += 1 }
        return min(columns, 10)
    }

    /// The top-left image pixel of tile `index` (tiles fill the grid row by row).
    public func tileOrigin(index: Int) -> (x: Int, y: Int) {
        precondition(index >= 0 && index < tileCount, "tile \(index) is not in the grid")
        return (gridX + (index % columns) * (tileWidth + Self.gap), gridY + (index / columns) * (tileHeight + Self.gap))
    }

    public func tileFrame(index: Int) -> PixelRectangle {
        let origin = tileOrigin(index: index)
        return PixelRectangle(x: origin.x, y: origin.y, width: tileWidth, height: tileHeight)
    }

    /// The `scale` x `scale` square of image pixels that shows source pixel (`column`, `row`) of tile `index`.
    public func sourcePixelFrame(tile index: Int, row: Int, column: Int) -> PixelRectangle {
        let origin = tileOrigin(index: index)
        return PixelRectangle(x: origin.x + column * scale, y: origin.y + row * scale, width: scale, height: scale)
    }

    /// The white box behind `label` in tile `index`; nil for an empty label. Labels too long for the tile are cut.
    public func labelFrame(tile index: Int, label: String) -> PixelRectangle? {
        let text = fittedLabel(label)
        guard !text.isEmpty else { return nil }
        let size = BitmapFont.size(of: text, scale: textScale)
        let origin = tileOrigin(index: index)
        return PixelRectangle(x: origin.x, y: origin.y, width: size.width + 2 * Self.labelPadding,
                              height: size.height + 2 * Self.labelPadding)
    }

    /// The label, shortened to the characters that fit across a tile.
    func fittedLabel(_ label: String) -> String {
        let room = tileWidth - 2 * Self.labelPadding + textScale  // the last glyph needs no trailing space
        let characters = max(0, room / (BitmapFont.advance * textScale))
        return String(label.prefix(characters))
    }
}

/// Pictures of models and data as RGBA images: weight tiles of linear models, and grey tiles of inputs.
/// Pure functions: every call builds a fresh image from its arguments.
public enum ImageRenderer {
    static let background = RGBAColor.gray(230)
    static let textColor = RGBAColor.gray(30)
    static let colorBarOutline = RGBAColor.gray(120)

    /// The layout `renderWeightTiles` uses for these arguments.
    public static func weightTileLayout(tileCount: Int, height: Int, width: Int,
                                        options: TileGridOptions = TileGridOptions()) -> TileGridLayout {
        TileGridLayout(tileCount: tileCount, height: height, width: width, scale: options.scale,
                       columns: options.columns, showColorBar: options.showColorBar)
    }

    /// The layout `renderGrayTiles` uses for these arguments.
    public static func grayTileLayout(tileCount: Int, height: Int, width: Int, scale: Int = 4) -> TileGridLayout {
        TileGridLayout(tileCount: tileCount, height: height, width: width, scale: scale, columns: nil,
                       showColorBar: false)
    }

    /// One tile per weight vector (`height * width` values each, row-major), e.g. one per class of a softmax model
    /// or the single tile of a logistic one, coloured on one scale shared by all tiles (see `TileGridOptions`).
    /// `labels[i]` names tile `i`; missing labels are left out.
    public static func renderWeightTiles(_ tiles: [[Float]], height: Int, width: Int, labels: [String],
                                         options: TileGridOptions = TileGridOptions()) -> RGBAImage {
        for tile in tiles {
            precondition(tile.count == height * width, "every tile must hold height * width = \(height * width) values")
        }
        let layout = weightTileLayout(tileCount: tiles.count, height: height, width: width, options: options)
        let requestedLimit = options.valueLimit ?? largestMagnitude(in: tiles)
        let limit = requestedLimit.isFinite && requestedLimit > 0 ? requestedLimit : 0  // 0: no scale, all white
        let colormap = options.colormap
        var image = RGBAImage(width: layout.imageWidth, height: layout.imageHeight, fill: background)
        for (index, tile) in tiles.enumerated() {
            paintTile(tile, width: width, height: height, layout: layout, index: index, into: &image) { value in
                colormap.color(for: value, limit: limit)
            }
            if options.showLabels, index < labels.count {
                drawLabel(labels[index], tile: index, layout: layout, into: &image)
            }
        }
        if let bar = layout.colorBar {
            drawColorBar(bar, limit: limit, colormap: colormap, textScale: layout.textScale, into: &image)
        }
        return image
    }

    /// Tiles of values in `0 ... maximum` drawn as grey images, 0 black and `maximum` white, exactly as MNIST
    /// stores its digits: for the mean input of each class, or misclassified inputs labelled like "7>2"
    /// (true 7, predicted 2). Values outside the range are clamped.
    public static func renderGrayTiles(_ tiles: [[Float]], height: Int, width: Int, labels: [String],
                                       maximum: Float = 255, scale: Int = 4) -> RGBAImage {
        for tile in tiles {
            precondition(tile.count == height * width, "every tile must hold height * width = \(height * width) values")
        }
        let layout = grayTileLayout(tileCount: tiles.count, height: height, width: width, scale: scale)
        let levelsPerUnit: Float = maximum > 0 && maximum.isFinite ? 255 / maximum : 0
        var image = RGBAImage(width: layout.imageWidth, height: layout.imageHeight, fill: background)
        for (index, tile) in tiles.enumerated() {
            paintTile(tile, width: width, height: height, layout: layout, index: index, into: &image) { value in
                let level = value.isNaN ? 0 : min(255, max(0, value * levelsPerUnit))
                return .gray(UInt8(level.rounded()))
            }
            if index < labels.count {
                drawLabel(labels[index], tile: index, layout: layout, into: &image)
            }
        }
        return image
    }

    /// The largest finite magnitude among all values, or 0 if there is none (all zero, empty, or not finite).
    static func largestMagnitude(in tiles: [[Float]]) -> Float {
        var largest: Float = 0
        for tile in tiles {
            for value in tile where value.isFinite {
                largest = max(largest, abs(value))
            }
        }
        return largest
    }

    /// Paints tile `index`, colouring each source value once and copying it into its `scale` x `scale` square:
    /// each upscaled row is written once, then duplicated, so no work is done per output pixel beyond a copy.
    private static func paintTile(_ values: [Float], width: Int, height: Int, layout: TileGridLayout, index: Int,
                                  into image: inout RGBAImage, color: (Float) -> RGBAColor) {
        let origin = layout.tileOrigin(index: index)
        let scale = layout.scale
        let rowBytes = layout.tileWidth * 4
        let imageRowBytes = image.width * 4
        guard rowBytes > 0 else { return }
        values.withUnsafeBufferPointer { values in
            image.pixels.withUnsafeMutableBufferPointer { pixels in
                let base = pixels.baseAddress!
                for sourceRow in 0..<height {
                    let firstRow = base + (origin.y + sourceRow * scale) * imageRowBytes + origin.x * 4
                    var pixel = firstRow
                    for sourceColumn in 0..<width {
                        let rgba = color(values[sourceRow * width + sourceColumn])
                        for _ in 0..<scale {
                            pixel[0] = rgba.r
                            pixel[1] = rgba.g
                            pixel[2] = rgba.b
                            pixel[3] = rgba.a
                            pixel += 4
                        }
                    }
                    for copy in 1..<scale {
                        (firstRow + copy * imageRowBytes).update(from: firstRow, count: rowBytes)
                    }
                }
            }
        }
    }

    /// Dark text on a white box in the tile's top-left corner, readable over any colour.
    private static func drawLabel(_ label: String, tile index: Int, layout: TileGridLayout,
                                  into image: inout RGBAImage) {
        guard let box = layout.labelFrame(tile: index, label: label) else { return }
        image.fillRectangle(x: box.x, y: box.y, width: box.width, height: box.height, color: .white)
        image.draw(text: layout.fittedLabel(label),
                   at: (box.x + TileGridLayout.labelPadding, box.y + TileGridLayout.labelPadding),
                   scale: layout.textScale, color: textColor)
    }

    /// A horizontal gradient from `-limit` (left) to `+limit` (right), with both ends and zero written under it.
    private static func drawColorBar(_ bar: PixelRectangle, limit: Float, colormap: Colormap, textScale: Int,
                                     into image: inout RGBAImage) {
        image.strokeRectangle(x: bar.x - 1, y: bar.y - 1, width: bar.width + 2, height: bar.height + 2,
                              color: colorBarOutline)
        // The ends are exactly -limit and +limit. With no scale (all weights zero) the bar is the colour of zero.
        for column in 0..<bar.width {
            let position = bar.width > 1 ? -1 + 2 * Float(column) / Float(bar.width - 1) : 0
            let color = colormap.color(for: position * limit, limit: limit)
            image.fillRectangle(x: bar.x + column, y: bar.y, width: 1, height: bar.height, color: color)
        }

        let textY = bar.y + bar.height + 1 + TileGridLayout.colorBarTextSpacing
        let highest = compactDecimal(limit)
        let lowest = limit > 0 ? "-" + highest : highest
        let zero = "0"
        image.draw(text: lowest, at: (bar.x, textY), scale: textScale, color: textColor)
        let highestWidth = BitmapFont.size(of: highest, scale: textScale).width
        image.draw(text: highest, at: (bar.x + bar.width - highestWidth, textY), scale: textScale, color: textColor)
        let zeroWidth = BitmapFont.size(of: zero, scale: textScale).width
        image.draw(text: zero, at: (bar.x + (bar.width - zeroWidth) / 2, textY), scale: textScale, color: textColor)
    }

    /// A short decimal for scale labels: three significant digits ("0.0123", "4.56", "789"), or two in scientific
    /// notation ("1.2E-5") for very small or large magnitudes. Written here because `String(format:)` needs
    /// Foundation and `Float.description` gives up to nine digits.
    static func compactDecimal(_ value: Float) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-INF" : "INF") }
        guard value != 0 else { return "0" }
        let sign = value < 0 ? "-" : ""
        let magnitude = Double(abs(value))
        var mantissa = magnitude  // brought into 1 ..< 10
        var exponent = 0
        while mantissa >= 10 { mantissa /= 10; exponent += 1 }
        while mantissa < 1 { mantissa *= 10; exponent -= 1 }

        if (-3...4).contains(exponent) {
            let decimals = max(0, 2 - exponent)
            var power = 1.0
            for _ in 0..<decimals { power *= 10 }
            var digits = String(Int((magnitude * power).rounded()))
            guard decimals > 0 else { return sign + digits }
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits }
            var fraction = digits.suffix(decimals)
            while fraction.last == "0" { fraction.removeLast() }
            let whole = digits.dropLast(decimals)
            return sign + whole + (fraction.isEmpty ? "" : "." + fraction)
        }
        var tenths = Int((mantissa * 10).rounded())  // 10 ... 100
        if tenths == 100 { tenths = 10; exponent += 1 }
        let significand = tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
        return sign + significand + "E\(exponent)"
    }
}
