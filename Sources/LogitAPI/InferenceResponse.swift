/// `POST /v2/models/{name}/infer`'s answer: FP32 probabilities and INT64 labels, or the ones the request asked for.
/// An output sent as binary tensor data has no `data`: its `parameters.binary_data_size` bytes follow the JSON.
public struct InferenceResponse: Codable, Sendable {
    public struct Output: Codable, Sendable {
        /// The values, flat, typed as `datatype` says.
        public enum Data: Sendable, Equatable {
            case floats([Float])
            case integers([Int64])
        }

        public var name: String
        public var shape: [Int]
        public var datatype: String
        /// nil when the values are binary, after the JSON header.
        public var data: Data?
        public var parameters: [String: InferenceParameter]?

        public init(name: String, shape: [Int], datatype: String, data: Data?,
                    parameters: [String: InferenceParameter]? = nil) {
            self.name = name
            self.shape = shape
            self.datatype = datatype
            self.data = data
            self.parameters = parameters
        }

        enum CodingKeys: String, CodingKey { case name, shape, datatype, data, parameters }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(shape, forKey: .shape)
            try container.encode(datatype, forKey: .datatype)
            switch data {
            case .floats(let values): try container.encode(values, forKey: .data)
            case .integers(let values): try container.encode(values, forKey: .data)
            case nil: break
            }
            try container.encodeIfPresent(parameters, forKey: .parameters)
        }

        /// The data's JSON numbers do not say their type (a probability of exactly 1 is written `1`): `datatype` does.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            shape = try container.decode([Int].self, forKey: .shape)
            datatype = try container.decode(String.self, forKey: .datatype)
            parameters = try container.decodeIfPresent([String: InferenceParameter].self, forKey: .parameters)
            if !container.contains(.data) {
                data = nil
            } else {
                data = datatype.hasPrefix("FP")
                    ? .floats(try container.decode([Float].self, forKey: .data))
                    : .integers(try container.decode([Int64].self, forKey: .data))
            }
        }
    }

    public var modelName: String
    public var modelVersion: String
    public var id: String?
    public var outputs: [Output]

    public init(modelName: String, modelVersion: String, id: String?, outputs: [Output]) {
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.id = id
        self.outputs = outputs
    }

    enum CodingKeys: String, CodingKey {
        case id, outputs
        case modelName = "model_name"
        case modelVersion = "model_version"
    }
}
