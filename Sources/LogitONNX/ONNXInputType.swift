/// The element type of an exported graph's input. Pixels are bytes, so UINT8 lets a client send an image as it
/// is stored; FLOAT (the default) takes any real-valued features. Either way the values are raw: the graph applies
/// the stored preprocessing itself.
public enum ONNXInputType: String, Sendable, CaseIterable {
    case float32
    case uint8
}
