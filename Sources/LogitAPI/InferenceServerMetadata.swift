/// `GET /v2`: the Open Inference Protocol's server metadata.
public struct InferenceServerMetadata: Codable, Sendable {
    public var name = "logit"
    public var version = "1"
    /// The binary tensor data extension (Triton's name for it, which tritonclient knows).
    public var extensions = ["binary_tensor_data"]

    public init() {}
}
