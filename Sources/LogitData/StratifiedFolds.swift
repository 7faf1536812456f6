import LogitCore

/// k folds of some labelled rows for cross-validation, stratified and seeded (scikit-learn's `StratifiedKFold` with
/// `shuffle=True`): each class's rows are shuffled and dealt out in turn, so every fold holds each class in the
/// rows' proportions (to within one row), and the same seed always makes the same folds.
public struct StratifiedFolds: Sendable {
    /// One fold: the rows held out for scoring and the rest, to train on.
    public struct Fold: Sendable {
        public let train: LabeledRows
        public let heldOut: LabeledRows
    }

    public let folds: [Fold]

    /// `count` folds (at least 2, at most the rows); rows keep their storage order within each part.
    public init(_ rows: LabeledRows, count: Int, seed: UInt64) {
        let count = max(2, min(count, rows.count))
        var generator = SeededGenerator(seed: seed)
        var foldOf = [Int](repeating: 0, count: rows.count)
        var next = 0
        for target in Set(rows.targets).sorted() {
            var positions = rows.targets.indices.filter { rows.targets[$0] == target }
            positions.shuffle(using: &generator)
            // Dealing continues from where the last class stopped, so fold sizes differ by at most one row.
            for position in positions {
                foldOf[position] = next
                next = (next + 1) % count
            }
        }
        func part(_ keep: (Int) -> Bool) -> LabeledRows {
            let positions = rows.rows.indices.filter(keep)
            return LabeledRows(matrix: rows.matrix, rows: positions.map { rows.rows[$0] },
                               targets: positions.map { rows.targets[$0] })
        }
        folds = (0..<count).map { fold in
            Fold(train: part { foldOf[$0] != fold }, heldOut: part { foldOf[$0] == fold })
        }
    }
}
