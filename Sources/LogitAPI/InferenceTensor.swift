/// A tensor an Open Inference Protocol model takes or gives: its name, element type and shape (-1 for any size).
public struct InferenceTensor: Codable, Sendable, Equatable {
    public var name: String
    public var datatype: String
    public var shape: [Int]

    public init(name: String, datatype: String, shape: [Int]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
    }
}
