import Foundation
import LogitCore
import Testing
@testable import LogitData

/// Cross-validation folds: a partition of the rows, each class spread evenly, the same for the same seed.
@Suite struct StratifiedFoldsTests {
    let registry = DatasetRegistry(dataDirectory: dataDirectory)

    func rows() throws -> LabeledRows {
        let data = try registry.dataset(named: "breast-cancer-wisconsin")
        return data.splits(task: data.defaultTask, options: SplitOptions(validationFraction: 0, testFraction: 0)).train
    }

    @Test func foldsPartitionTheRowsWithEachClassInProportion() throws {
        let rows = try rows()
        let folds = StratifiedFolds(rows, count: 5, seed: 42).folds
        #expect(folds.count == 5)
        let heldOut = folds.flatMap(\.heldOut.rows)
        #expect(heldOut.count == rows.count && Set(heldOut) == Set(rows.rows))
        let positives = rows.targets.filter { $0 == 1 }.count
        for fold in folds {
            #expect(fold.train.count + fold.heldOut.count == rows.count)
            #expect(Set(fold.train.rows).isDisjoint(with: fold.heldOut.rows))
            // 699 rows, 241 positive: each fold holds 139 or 140 rows, 48 or 49 of them positive.
            #expect((139...140).contains(fold.heldOut.count))
            let share = Double(positives) / Double(rows.count) * Double(fold.heldOut.count)
            #expect(abs(Double(fold.heldOut.targets.filter { $0 == 1 }.count) - share) <= 1)
            #expect(fold.heldOut.rows == fold.heldOut.rows.sorted())
        }
    }

    @Test func theSameSeedMakesTheSameFolds() throws {
        let rows = try rows()
        let a = StratifiedFolds(rows, count: 5, seed: 7).folds.map(\.heldOut.rows)
        let b = StratifiedFolds(rows, count: 5, seed: 7).folds.map(\.heldOut.rows)
        let c = StratifiedFolds(rows, count: 5, seed: 8).folds.map(\.heldOut.rows)
        #expect(a == b)
        #expect(a != c)
    }
}
