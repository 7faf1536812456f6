import Foundation
import GRDB
import LogitCore

/// A named model: versions are numbered 1, 2, 3... and a number is never reused, even after a deletion.
public struct ModelRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "model"

    public var name: String
    public var createdAt: Date
    public var lastVersion: Int

    enum CodingKeys: String, CodingKey {
        case name
        case createdAt = "created_at"
        case lastVersion = "last_version"
    }
}

public struct AliasRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "model_alias"

    public var modelName: String
    public var alias: String
    public var version: Int

    enum CodingKeys: String, CodingKey {
        case modelName = "model_name"
        case alias, version
    }
}

/// Everything about a trained model version that is not its parameters.
public struct ModelVersionMetadata: Codable, Sendable, Equatable {
    public var name: String
    public var version: Int
    public var kind: ModelKind
    public var classes: [ClassLabel]
    public var preprocessing: Preprocessing
    public var featureCount: Int
    /// Height and width when the inputs are images.
    public var imageShape: [Int]?
    public var dataset: String
    /// The training request with defaults filled in, as JSON.
    public var hyperparameters: String
    public var metrics: ClassificationMetrics?
    public var trainingSeconds: Double
    public var stopReason: String
    public var epochsCompleted: Int
    public var jobId: String?
    public var createdAt: Date
    /// Share of input features that are constant in the training rows (their weights cannot be learned).
    public var constantFeatureShare: Double?
    /// With early stopping: the epoch whose weights were kept.
    public var bestEpoch: Double?
    /// Hidden units and activation of an MLP.
    public var hiddenUnits: Int?
    public var activation: Activation?

    public init(name: String, version: Int = 0, kind: ModelKind, classes: [ClassLabel],
                preprocessing: Preprocessing, featureCount: Int, imageShape: [Int]?, dataset: String,
                hyperparameters: String, metrics: ClassificationMetrics?, trainingSeconds: Double,
                stopReason: String, epochsCompleted: Int, jobId: String?, createdAt: Date,
                constantFeatureShare: Double? = nil, bestEpoch: Double? = nil, hiddenUnits: Int? = nil,
                activation: Activation? = nil) {
        self.name = name
        self.version = version
        self.kind = kind
        self.classes = classes
        self.preprocessing = preprocessing
        self.featureCount = featureCount
        self.imageShape = imageShape
        self.dataset = dataset
        self.hyperparameters = hyperparameters
        self.metrics = metrics
        self.trainingSeconds = trainingSeconds
        self.stopReason = stopReason
        self.epochsCompleted = epochsCompleted
        self.jobId = jobId
        self.createdAt = createdAt
        self.constantFeatureShare = constantFeatureShare
        self.bestEpoch = bestEpoch
        self.hiddenUnits = hiddenUnits
        self.activation = activation
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, version, kind, classes, preprocessing, dataset, hyperparameters, metrics
        case featureCount = "feature_count"
        case imageShape = "image_shape"
        case trainingSeconds = "training_seconds"
        case stopReason = "stop_reason"
        case epochsCompleted = "epochs_completed"
        case jobId = "job_id"
        case createdAt = "created_at"
        case constantFeatureShare = "constant_feature_share"
        case bestEpoch = "best_epoch"
        case hiddenUnits = "hidden_units"
        case activation
    }
}

/// A stored model version: metadata, parameters and learning curves.
public struct ModelVersion: Sendable, Equatable {
    public var metadata: ModelVersionMetadata
    public var model: TrainedModel
    public var curves: [CurvePoint]

    public init(metadata: ModelVersionMetadata, model: TrainedModel, curves: [CurvePoint]) {
        self.metadata = metadata
        self.model = model
        self.curves = curves
    }
}

/// The row of a model version. Weights and biases are little-endian Float32 BLOBs; structured fields are JSON.
struct ModelVersionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "model_version"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.useDefaultKeys

    var metadata: ModelVersionMetadata
    var outputCount: Int
    var weights: Data
    var biases: Data
    var curves: Data

    init(_ version: ModelVersion) throws {
        metadata = version.metadata
        outputCount = version.model.kind == .logistic ? 1 : version.model.classCount
        weights = FloatBlob.encode(version.model.weights)
        biases = FloatBlob.encode(version.model.biases)
        curves = try JSONEncoder().encode(version.curves)
    }

    func decoded() throws -> ModelVersion {
        let weights = try FloatBlob.decode(self.weights)
        let biases = try FloatBlob.decode(self.biases)
        let model: TrainedModel
        if metadata.kind == .mlp {
            guard let hidden = metadata.hiddenUnits, let activation = metadata.activation,
                  weights.count + biases.count == MLPModel.parameterCount(metadata.featureCount, hidden, outputCount)
            else { throw FloatBlob.MalformedBlob() }
            model = .mlp(MLPModel(featureCount: metadata.featureCount, hiddenCount: hidden, classCount: outputCount,
                                  activation: activation, parameters: weights + biases))
        } else {
            guard weights.count == metadata.featureCount * biases.count else { throw FloatBlob.MalformedBlob() }
            model = .linear(LinearModel(kind: metadata.kind, featureCount: metadata.featureCount, weights: weights,
                                        biases: biases))
        }
        return ModelVersion(metadata: metadata, model: model,
                            curves: try JSONDecoder().decode([CurvePoint].self, from: curves))
    }

    // The metadata is flattened into columns of the row.
    init(from decoder: any Decoder) throws {
        metadata = try ModelVersionMetadata(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        outputCount = try container.decode(Int.self, forKey: .outputCount)
        weights = try container.decode(Data.self, forKey: .weights)
        biases = try container.decode(Data.self, forKey: .biases)
        curves = try container.decode(Data.self, forKey: .curves)
    }

    func encode(to encoder: any Encoder) throws {
        try metadata.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outputCount, forKey: .outputCount)
        try container.encode(weights, forKey: .weights)
        try container.encode(biases, forKey: .biases)
        try container.encode(curves, forKey: .curves)
    }

    enum CodingKeys: String, CodingKey {
        case outputCount = "output_count"
        case weights, biases, curves
    }
}

/// Float32 arrays as little-endian bytes, whatever the host's byte order.
public enum FloatBlob {
    public static func encode(_ values: [Float]) -> Data {
        var data = Data(capacity: values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    public struct MalformedBlob: Error {}

    public static func decode(_ data: Data) throws -> [Float] {
        guard data.count % 4 == 0 else { throw MalformedBlob() }
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}
