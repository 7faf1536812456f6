/// Why a row cannot be predicted. Each case is the client's to fix; the HTTP layer answers 400 with the code.
public enum PredictionError: Error, Equatable, CustomStringConvertible {
    /// The row does not have the model's number of features.
    case wrongInputSize(field: String, count: Int, model: String, featureCount: Int, imageShape: [Int]?)
    /// A value that is not finite, outside 0...255 for images, or beyond +-1e9 for tabular models.
    case valueOutOfRange(field: String, value: Float, isImage: Bool)
    /// The model's probabilities are not finite for this input: its values are too extreme for it.
    case cannotScore

    public var code: String {
        switch self {
        case .wrongInputSize: "WRONG_INPUT_SIZE"
        case .valueOutOfRange, .cannotScore: "VALUE_OUT_OF_RANGE"
        }
    }

    public var description: String {
        switch self {
        case .wrongInputSize(let field, let count, let model, let featureCount, let imageShape):
            "\(field) has \(count) values; model '\(model)' takes exactly \(featureCount)"
                + (imageShape.map { " (\($0.map(String.init).joined(separator: "x")) pixels, row-major)" } ?? "")
        case .valueOutOfRange(let field, let value, let isImage):
            "\(field) holds \(value); every value must be a finite number" + (isImage ? " in 0...255" : " within +-1e9")
        case .cannotScore:
            "the model cannot score this input: its values are too extreme for it"
        }
    }
}
