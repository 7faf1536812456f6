import LogitCore
import LogitData
import LogitImaging
import LogitServing
import LogitJobs
import LogitStore

/// PNG pictures of a model version: its weights as images, its classes' mean training images, and the test
/// images it gets wrong. Shared by the HTTP API and the command line.
public enum ModelImages {
    public struct NotAvailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Each class's weights (a binary model's single weight vector; an MLP's first-layer filters) as tiles.
    /// `only` picks one tile: a class label, or a hidden unit's index for an MLP.
    public static func weights(_ version: ModelVersion, options: TileGridOptions, only: String? = nil) throws -> [UInt8] {
        let (height, width) = try imageShape(version.metadata)
        var tiles: [[Float]]
        var labels: [String]
        let d = version.metadata.featureCount
        switch version.model {
        case .linear(let model):
            tiles = (0..<model.outputCount).map { Array(model.weights[$0 * d..<($0 + 1) * d]) }
            labels = model.kind == .logistic
                ? [version.metadata.classes.last?.description ?? "1"]
                : version.metadata.classes.map(\.description)
        case .mlp(let model):
            tiles = (0..<model.hiddenCount).map { Array(model.parameters[model.layout.hiddenUnitWeights($0)]) }
            labels = (0..<model.hiddenCount).map { "h\($0)" }
        }
        if let only {
            let index = labels.firstIndex(of: only) ?? (version.metadata.kind == .mlp ? Int(only) : nil)
            guard let index, tiles.indices.contains(index) else {
                throw NotAvailable(description: "no tile '\(only)'; tiles: \(labels.prefix(12).joined(separator: ", "))\(labels.count > 12 ? ", ..." : "")")
            }
            tiles = [tiles[index]]
            labels = [labels[index]]
        }
        return try PNGCodec.encode(ImageRenderer.renderWeightTiles(tiles, height: height, width: width, labels: labels,
                                                                   options: options))
    }

    /// The mean training image of each of the model's classes.
    public static func meanImages(_ version: ModelVersion, datasets: DatasetRegistry, scale: Int) throws -> [UInt8] {
        let (height, width) = try imageShape(version.metadata)
        let (dataset, plan) = try trainingData(version, datasets: datasets)
        let target = plan.task.targetMapping(datasetClasses: dataset.classes)
        let classCount = version.metadata.classes.count
        var sums = [[Double]](repeating: [Double](repeating: 0, count: dataset.featureCount), count: classCount)
        var counts = [Int](repeating: 0, count: classCount)
        for row in 0..<dataset.train.rowCount {
            guard let t = target(Int(dataset.trainLabels[row])), Int(t) < classCount else { continue }
            let values = dataset.train.row(row)
            for j in 0..<values.count { sums[Int(t)][j] += Double(values[j]) }
            counts[Int(t)] += 1
        }
        let tiles = (0..<classCount).map { c in sums[c].map { Float($0 / Double(max(counts[c], 1))) } }
        return try PNGCodec.encode(ImageRenderer.renderGrayTiles(
            tiles, height: height, width: width, labels: version.metadata.classes.map(\.description),
            maximum: dataset.unitDivisor, scale: scale))
    }

    /// Test images the model gets wrong (at most `limit`), each labelled "true>predicted".
    public static func misclassified(_ version: ModelVersion, datasets: DatasetRegistry, limit: Int, scale: Int) throws
        -> [UInt8]
    {
        let (height, width) = try imageShape(version.metadata)
        let (dataset, plan) = try trainingData(version, datasets: datasets)
        guard let test = dataset.splits(task: plan.task, options: plan.splitOptions).test, !test.isEmpty else {
            throw NotAvailable(description: "the model's data set has no test rows")
        }
        let classes = version.metadata.classes
        let predicted = Predictor(version).predictedClasses(matrix: test.matrix, rows: test.rows)
        var tiles: [[Float]] = []
        var labels: [String] = []
        for (index, row) in test.rows.enumerated() where tiles.count < limit {
            let predicted = predicted[index]
            let truth = Int(test.targets[index])
            guard predicted != truth else { continue }
            tiles.append(test.matrix.row(Int(row)))
            labels.append("\(classes[truth])>\(classes[predicted])")
        }
        guard !tiles.isEmpty else { throw NotAvailable(description: "the model classifies every test image correctly") }
        return try PNGCodec.encode(ImageRenderer.renderGrayTiles(
            tiles, height: height, width: width, labels: labels, maximum: dataset.unitDivisor, scale: scale))
    }

    private static func imageShape(_ metadata: ModelVersionMetadata) throws -> (Int, Int) {
        guard let shape = metadata.imageShape, shape.count == 2 else {
            throw NotAvailable(description: "model '\(metadata.name)' does not take images, so it has no pictures")
        }
        return (shape[0], shape[1])
    }

    private static func trainingData(_ version: ModelVersion, datasets: DatasetRegistry) throws -> (Dataset, TrainingPlan) {
        guard let plan = try? TrainingPlan.decode(json: version.metadata.hyperparameters),
              datasets.names.contains(version.metadata.dataset)
        else {
            throw NotAvailable(description: "the training data of '\(version.metadata.name)' version \(version.metadata.version) is not known here (imported model?)")
        }
        return (try datasets.dataset(named: plan.dataset), plan)
    }
}
