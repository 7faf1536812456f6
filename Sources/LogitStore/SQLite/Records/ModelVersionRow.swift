import Foundation
import GRDB
import LogitCore

/// The row of a model version (`EncodedModelVersion`, its metadata flattened into columns; structured fields are
/// JSON).
struct ModelVersionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "model_version"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.useDefaultKeys

    var metadata: ModelVersionMetadata
    var outputCount: Int
    var weights: Data
    var biases: Data
    var curves: Data

    init(_ version: ModelVersion) throws {
        let encoded = try EncodedModelVersion(version)
        metadata = encoded.metadata
        outputCount = encoded.outputCount
        weights = encoded.weights
        biases = encoded.biases
        curves = encoded.curves
    }

    func decoded() throws -> ModelVersion {
        try EncodedModelVersion(metadata: metadata, outputCount: outputCount, weights: weights, biases: biases,
                                curves: curves).decoded()
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

    /// The metadata's columns are named by its coding keys, since a row flattens its metadata.
    enum Columns {
        static let name = Column(ModelVersionMetadata.CodingKeys.name)
        static let version = Column(ModelVersionMetadata.CodingKeys.version)
        static let createdAt = Column(ModelVersionMetadata.CodingKeys.createdAt)
    }
}

extension ModelVersionRow {
    /// The `default` alias that points at this version.
    static let defaultAlias = hasOne(
        AliasRecord.self,
        using: ForeignKey([AliasRecord.Columns.modelName, AliasRecord.Columns.version],
                          to: [Columns.name, Columns.version])
    ).filter { $0.alias == "default" }
}

extension QueryInterfaceRequest<ModelVersionRow> {
    /// The versions' metadata alone, so listings never read the weight BLOBs.
    func selectMetadata() -> QueryInterfaceRequest<ModelVersionMetadata> {
        select(ModelVersionMetadata.databaseColumns).asRequest(of: ModelVersionMetadata.self)
    }
}
