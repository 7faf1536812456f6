import LogitServing

/// `GET /v2/models/{name}`: the Open Inference Protocol's model metadata, with the version's input and outputs.
public struct InferenceModelMetadata: Codable, Sendable {
    public var name: String
    public var versions: [String]
    public var platform = "logit"
    public var inputs: [InferenceTensor]
    public var outputs: [InferenceTensor]

    public init(_ predictor: Predictor, versions: [String]) {
        let metadata = predictor.metadata
        name = metadata.name
        self.versions = versions
        inputs = [InferenceTensor(name: metadata.imageShape != nil ? "pixels" : "features", datatype: "FP32",
                                  shape: [-1, metadata.featureCount])]
        outputs = [InferenceTensor(name: "probabilities", datatype: "FP32", shape: [-1, metadata.classes.count]),
                   InferenceTensor(name: "label", datatype: "INT64", shape: [-1])]
    }
}
