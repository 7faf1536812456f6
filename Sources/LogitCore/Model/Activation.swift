/// The hidden layer's nonlinearity.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case relu
    case sigmoid
}

extension Activation {
    @inline(__always)
    func apply(_ x: Float) -> Float { self == .relu ? max(x, 0) : Kernels.sigmoid(x) }
}
