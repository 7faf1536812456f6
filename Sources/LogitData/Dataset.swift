import LogitCore

/// A labelled data set held in memory once: raw training and test rows with their labels.
public struct Dataset: Sendable {
    public let name: String
    public let train: FeatureMatrix
    public let trainLabels: [Int32]
    /// The official test split, if the data set has one.
    public let test: FeatureMatrix?
    public let testLabels: [Int32]
    /// Every label value that occurs, ascending.
    public let classes: [Int]
    /// Height and width for image data sets.
    public let imageShape: (height: Int, width: Int)?
    /// The preprocessing a model trained on this set uses unless the request says otherwise.
    public let defaultPreprocess: PreprocessKind
    /// The divisor of `unit` preprocessing: 255 for pixels, the largest absolute value in the file for tabular data.
    public let unitDivisor: Float
    /// The task a request that names none trains.
    public let defaultTask: ClassificationTask

    public var featureCount: Int { train.columnCount }

    public init(name: String, train: FeatureMatrix, trainLabels: [Int32], test: FeatureMatrix?, testLabels: [Int32],
                imageShape: (height: Int, width: Int)?, defaultPreprocess: PreprocessKind, unitDivisor: Float,
                defaultTask: ClassificationTask = .multiclass) {
        self.name = name
        self.train = train
        self.trainLabels = trainLabels
        self.test = test
        self.testLabels = testLabels
        self.classes = Array(Set(trainLabels.map(Int.init)).union(testLabels.map(Int.init))).sorted()
        self.imageShape = imageShape
        self.defaultPreprocess = defaultPreprocess
        self.unitDivisor = unitDivisor
        self.defaultTask = defaultTask
    }

    /// The preprocessing of `kind`, with statistics from the given training rows.
    public func preprocessing(_ kind: PreprocessKind, trainingRows: [Int32]) -> Preprocessing {
        switch kind {
        case .unit: .unit(divisor: unitDivisor)
        case .none: .none
        case .standardize: standardization(rows: trainingRows)
        }
    }

    private func standardization(rows: [Int32]) -> Preprocessing {
        let statistics = train.columnStatistics(rows: rows)
        return .standardize(mean: statistics.mean, std: statistics.std)
    }

    /// Share of features that are constant over the given rows (MNIST's border pixels, for instance): weights on
    /// them can only be zero, which is not learned sparsity.
    public func constantFeatureShare(rows: [Int32]) -> Double {
        Double(train.constantColumnCount(rows: rows)) / Double(max(featureCount, 1))
    }

    /// How many times each label occurs in `labels` (label -> count).
    public func histogram(of labels: [Int32]) -> [Int: Int] {
        labels.reduce(into: [:]) { $0[Int($1), default: 0] += 1 }
    }
}

/// Loads an IDX image/label set laid out as MNIST is: `{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz`.
public enum IDXDatasetLoader {
    public static func load(name: String, directory: String) throws -> Dataset {
        func path(_ file: String) -> String { directory + "/" + file }
        let (train, trainLabels, shape) = try loadPair(
            images: path("train-images-idx3-ubyte.gz"), labels: path("train-labels-idx1-ubyte.gz"))
        let (test, testLabels, testShape) = try loadPair(
            images: path("t10k-images-idx3-ubyte.gz"), labels: path("t10k-labels-idx1-ubyte.gz"))
        guard shape == testShape else {
            throw DataFileError.corrupt(path: directory, reason: "training images are \(shape), test images \(testShape)")
        }
        return Dataset(name: name, train: train, trainLabels: trainLabels, test: test, testLabels: testLabels,
                       imageShape: (shape[0], shape[1]), defaultPreprocess: .unit, unitDivisor: 255)
    }

    /// The summary from the image files' headers and the label files (60 kB for MNIST's training set, against
    /// 47 MB of pixels): counts, shape and classes without the pixels.
    public static func summarize(directory: String) throws -> DatasetSummary {
        func path(_ file: String) -> String { directory + "/" + file }
        func pair(images: String, labels: String) throws -> (count: Int, shape: [Int], labels: [UInt8]) {
            let dimensions = try IDXArray.dimensions(path: images, expectedDimensions: 3)
            let labelArray = try IDXArray.read(path: labels, expectedDimensions: 1)
            guard labelArray.dimensions[0] == dimensions[0] else {
                throw DataFileError.corrupt(
                    path: labels, reason: "\(labelArray.dimensions[0]) labels for \(dimensions[0]) images in \(images)")
            }
            return (dimensions[0], Array(dimensions[1...]), labelArray.values)
        }
        let train = try pair(images: path("train-images-idx3-ubyte.gz"), labels: path("train-labels-idx1-ubyte.gz"))
        let test = try pair(images: path("t10k-images-idx3-ubyte.gz"), labels: path("t10k-labels-idx1-ubyte.gz"))
        guard train.shape == test.shape else {
            throw DataFileError.corrupt(path: directory, reason: "training images are \(train.shape), test images \(test.shape)")
        }
        return DatasetSummary(
            features: train.shape[0] * train.shape[1], trainRows: train.count, testRows: test.count,
            classes: Set(train.labels + test.labels).sorted().map(Int.init), imageShape: train.shape,
            defaultTask: .multiclass, defaultPreprocess: .unit)
    }

    static func loadPair(images: String, labels: String) throws -> (FeatureMatrix, [Int32], [Int]) {
        let imageArray = try IDXArray.read(path: images, expectedDimensions: 3)
        let labelArray = try IDXArray.read(path: labels, expectedDimensions: 1)
        let count = imageArray.dimensions[0]
        guard labelArray.dimensions[0] == count else {
            throw DataFileError.corrupt(
                path: labels, reason: "\(labelArray.dimensions[0]) labels for \(count) images in \(images)")
        }
        let features = imageArray.dimensions[1] * imageArray.dimensions[2]
        let matrix = FeatureMatrix(bytes: imageArray.values, rowCount: count, columnCount: features)
        return (matrix, labelArray.values.map(Int32.init), Array(imageArray.dimensions[1...]))
    }
}
