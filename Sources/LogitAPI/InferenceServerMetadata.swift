/// `GET /v2`: the Open Inference Protocol's server metadata.
public struct InferenceServerMetadata: Codable, Sendable {
    public var name = "logit"
    public var version = "1"
    public var extensions: [String] = []

    public init() {}
}
