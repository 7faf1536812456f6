import Testing
import LogitCore
@testable import LogitData

@Suite struct SplitTests {
    /// 100 rows with labels 0...4, no test split.
    let dataset = Dataset(
        name: "toy", train: FeatureMatrix(bytes: (0..<100).map { UInt8($0) }, rowCount: 100, columnCount: 1),
        trainLabels: (0..<100).map { Int32($0 % 5) }, test: nil, testLabels: [], imageShape: nil,
        defaultPreprocess: .none, unitDivisor: 99)

    @Test func splitsAreDisjointReproducibleAndSized() {
        let options = SplitOptions(validationFraction: 0.1, testFraction: 0.2, seed: 3)
        let a = dataset.splits(task: .multiclass, options: options)
        let b = dataset.splits(task: .multiclass, options: options)
        #expect(a.train.rows == b.train.rows)
        #expect(a.test?.count == 20 && a.validation?.count == 8 && a.train.count == 72)
        let all = a.train.rows + (a.validation?.rows ?? []) + (a.test?.rows ?? [])
        #expect(Set(all).count == 100)
        // Each split in storage order, so a full pass reads the data front to back.
        for rows in [a.train.rows, a.validation?.rows ?? [], a.test?.rows ?? []] { #expect(rows == rows.sorted()) }
        let other = dataset.splits(task: .multiclass, options: SplitOptions(validationFraction: 0.1, testFraction: 0.2, seed: 4))
        #expect(other.train.rows != a.train.rows)
    }

    @Test func trainSizeCapsTheTrainingRows() {
        let splits = dataset.splits(task: .multiclass, options: SplitOptions(validationFraction: 0, testFraction: 0, trainSize: 30))
        #expect(splits.train.count == 30)
        #expect(splits.validation == nil)
    }

    @Test func binaryTasksMapAndFilterLabels() {
        let explicit = ClassificationTask.binary(positive: [2], negative: [3])
        let splits = dataset.splits(task: explicit, options: SplitOptions(validationFraction: 0, testFraction: 0))
        #expect(splits.train.count == 40)
        for (row, target) in zip(splits.train.rows, splits.train.targets) {
            #expect(target == (row % 5 == 2 ? 1 : 0))
        }
        #expect(explicit.classLabels(datasetClasses: dataset.classes) == [.integer(3), .integer(2)])
        let rest = ClassificationTask.binary(positive: [2])
        #expect(dataset.splits(task: rest, options: SplitOptions(validationFraction: 0, testFraction: 0)).train.count == 100)
        #expect(rest.classLabels(datasetClasses: dataset.classes) == [.name("rest"), .integer(2)])
        // When the rest is a single class, it keeps its own label.
        #expect(ClassificationTask.binary(positive: [4]).classLabels(datasetClasses: [2, 4]) == [.integer(2), .integer(4)])
    }

    @Test func taskProblemsAreExplained() {
        #expect(ClassificationTask.binary(positive: [2], negative: [2, 3]).problems(datasetClasses: [0, 1, 2, 3])
            == ["classes [2] are both positive and negative"])
        #expect(ClassificationTask.binary(positive: [9]).problems(datasetClasses: [0, 1]).first?.contains("does not occur") == true)
        #expect(ClassificationTask.binary(positive: []).problems(datasetClasses: [0, 1]).isEmpty == false)
        #expect(ClassificationTask.multiclass.problems(datasetClasses: [0, 1]).isEmpty)
    }
}
