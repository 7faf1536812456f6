import Foundation
import Synchronization
import Testing
@testable import LogitCore

/// The inverse-Hessian estimates L-BFGS starts from, checked against their definitions.
@Suite struct CurvatureTests {
    /// A random symmetric positive-definite matrix B Bᵀ + I, as Doubles, row-major.
    func randomSPD(order n: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        let b = (0..<(n * n)).map { _ in Double.random(in: -1...1, using: &generator) }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                a[i * n + j] = (0..<n).reduce(0.0) { $0 + b[i * n + $1] * b[j * n + $1] } + (i == j ? 1 : 0)
            }
        }
        return a
    }

    @Test func choleskySolvesSixteenSystemsAtOnce() throws {
        let n = 37
        let a = randomSPD(order: n, seed: 3)
        let storage = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        for i in 0..<(n * n) { storage[i] = Float(a[i]) }
        let factor = try #require(CholeskyFactor(takingLowerTriangleOf: storage, order: n))
        var generator = SeededGenerator(seed: 4)
        let rightHandSides = (0..<n).map { _ in SIMD16<Float>((0..<16).map { _ in Float.random(in: -1...1, using: &generator) }) }
        let columns = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: n)
        defer { columns.deallocate() }
        columns.initialize(from: rightHandSides, count: n)
        factor.solve(columns)
        for lane in 0..<16 {
            for i in 0..<n {
                let product = (0..<n).reduce(0.0) { $0 + a[i * n + $1] * Double(columns[$1][lane]) }
                #expect(abs(product - Double(rightHandSides[i][lane])) < 1e-4)
            }
        }
    }

    @Test func choleskyRefusesAMatrixThatIsNotPositiveDefinite() {
        let storage = UnsafeMutablePointer<Float>.allocate(capacity: 4)
        storage.initialize(from: [1, 0, 2, 1], count: 4)  // lower triangle of [[1, 2], [2, 1]]: eigenvalues 3 and -1
        #expect(CholeskyFactor(takingLowerTriangleOf: storage, order: 2) == nil)  // and deallocates the storage
    }

    /// Sparse images with one column that is zero in every row (an "inactive" feature), or dense float rows.
    static let dataKinds = ["sparse images", "dense floats"]

    func data(_ kind: String, classes: Int) -> (LabeledRows, FeatureTransform) {
        if kind == "dense floats" {
            let rows = blobs(rows: 300, classes: classes, features: 5, seed: 8)
            return (rows, FeatureTransform(.none, featureCount: 5))
        }
        let images = sparseImages(rows: 600, features: 12, classes: classes, seed: 9)
        guard case .bytes(let bytes) = images.matrix.storage else { fatalError("byte images expected") }
        var withBlank: [UInt8] = []
        for row in 0..<600 { withBlank += bytes[row * 12..<(row + 1) * 12] + [0] }
        let matrix = FeatureMatrix(bytes: withBlank, rowCount: 600, columnCount: 13)
        return (LabeledRows(matrix: matrix, rows: images.rows, targets: images.targets),
                FeatureTransform(.unit(divisor: 255), featureCount: 13))
    }

    /// The triangle of sum(x̃ x̃ᵀ) is summed in bands of rows, in parallel: any band height gives the sums computed
    /// here in Double, over the active features only (the blank column is left out) and the bias.
    @Test(arguments: dataKinds)
    func secondMomentsAreTheSameInAnyBands(dataKind: String) throws {
        let (rows, transform) = data(dataKind, classes: 3)
        let features = SampledFeatures(matrix: rows.matrix, rows: rows.rows, transform: transform)
        let d = rows.matrix.columnCount
        #expect(features.active == (dataKind == "sparse images" ? Array(0..<12) : Array(0..<Int32(d))))
        let n = features.active.count + 1
        var expected = [Double](repeating: 0, count: n * n)
        for row in rows.rows {
            var x = [Float](repeating: 0, count: d)
            x.withUnsafeMutableBufferPointer { rows.matrix.fill(rows: [row], transform: transform, into: $0.baseAddress!) }
            let augmented = features.active.map { Double(x[Int($0)]) } + [1]
            for i in 0..<n { for j in 0...i { expected[i * n + j] += augmented[i] * augmented[j] } }
        }
        for (threads, bandRows) in [(1, nil), (2, 1), (2, 3), (1, 5)] as [(Int, Int?)] {
            let sums = features.secondMomentSums(threads: threads, bandRows: bandRows)
            defer { sums.deallocate() }
            for i in 0..<n {
                for j in 0...i {
                    #expect(abs(Double(sums[i * n + j]) - expected[i * n + j]) <= 1e-4 * max(1, expected[i * n + j]),
                            "entry (\(i), \(j)), \(threads) thread(s), bands of \(bandRows ?? 0)")
                }
            }
        }
    }

    /// The estimate is immutable once built: applied from several threads at once, each gets the serial answer.
    @Test func theFullEstimateCanBeAppliedFromSeveralThreadsAtOnce() throws {
        let (rows, transform) = data("sparse images", classes: 3)
        let objective = LinearObjective(data: rows, transform: transform, kind: .softmax, classCount: 3)
        let curvature = try #require(objective.inverseCurvature(l2: 0.01) as? FeatureCovarianceCurvature)
        let count = objective.parameterCount
        let vectors = (0..<8).map { seed in
            var generator = SeededGenerator(seed: UInt64(seed))
            return (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
        }
        @Sendable func applied(_ v: [Float]) -> [Float] {
            var u = [Float](repeating: 0, count: count)
            v.withUnsafeBufferPointer { v in u.withUnsafeMutableBufferPointer { curvature.apply(v.baseAddress!, into: $0.baseAddress!) } }
            return u
        }
        let serial = vectors.map(applied)
        let parallel = Mutex([[Float]](repeating: [], count: vectors.count))
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let u = applied(vectors[i % vectors.count])
            parallel.withLock { $0[i % vectors.count] = u }
            #expect(u == serial[i % vectors.count])
        }
        #expect(parallel.withLock { $0 } == serial)
    }

    /// M v solves A u = v for every output, A = p(1 - p) mean(x̃ x̃ᵀ) + L2 (weights) + ridge, computed here directly
    /// in Double; a feature that is zero in every row has A's diagonal entry ridge + L2 alone.
    @Test(arguments: dataKinds, [ModelKind.softmax, .logistic])
    func fullEstimateInvertsTheSecondMomentsAtTheStart(dataKind: String, kind: ModelKind) throws {
        let classes = kind == .logistic ? 2 : 3
        let (rows, transform) = data(dataKind, classes: classes)
        let l2 = 0.01
        let objective = LinearObjective(data: rows, transform: transform, kind: kind, classCount: classes, threads: 2)
        let curvature = try #require(objective.inverseCurvature(l2: l2) as? FeatureCovarianceCurvature)

        let d = rows.matrix.columnCount
        let n = d + 1
        let p = kind == .logistic ? 0.5 : 1 / Double(classes)
        var a = [Double](repeating: 0, count: n * n)
        for row in rows.rows {
            var x = [Float](repeating: 0, count: d)
            x.withUnsafeMutableBufferPointer { rows.matrix.fill(rows: [row], transform: transform, into: $0.baseAddress!) }
            let augmented = x.map(Double.init) + [1]
            for i in 0..<n { for j in 0..<n { a[i * n + j] += p * (1 - p) * augmented[i] * augmented[j] / Double(rows.count) } }
        }
        let ridge = 0.1 * (0..<n).reduce(0.0) { $0 + a[$1 * n + $1] } / Double(n - (dataKind == "sparse images" ? 1 : 0))
        for i in 0..<n { a[i * n + i] += ridge + (i < d ? l2 : 0) }

        let k = objective.outputCount
        var generator = SeededGenerator(seed: 5)
        let v = (0..<objective.parameterCount).map { _ in Float.random(in: -1...1, using: &generator) }
        var u = [Float](repeating: 0, count: v.count)
        v.withUnsafeBufferPointer { v in u.withUnsafeMutableBufferPointer { curvature.apply(v.baseAddress!, into: $0.baseAddress!) } }
        for c in 0..<k {
            let uc = (0..<d).map { Double(u[c * d + $0]) } + [Double(u[k * d + c])]
            let vc = (0..<d).map { Double(v[c * d + $0]) } + [Double(v[k * d + c])]
            for i in 0..<n {
                let product = (0..<n).reduce(0.0) { $0 + a[i * n + $1] * uc[$1] }
                #expect(abs(product - vc[i]) < 2e-3 * max(1, abs(vc[i])), "output \(c), entry \(i)")
            }
        }
    }

    /// Where the full estimate would cost more than a few passes (a binary model over 784 pixels and few rows), image
    /// rows get the diagonal: 1 / (p(1 - p) mean(x_j^2) + L2) for each weight, 1 / p(1 - p) for the bias.
    @Test func diagonalEstimateWhereTheFullOneCostsTooMuch() throws {
        var generator = SeededGenerator(seed: 6)
        let rowCount = 200, features = 784
        let bytes = (0..<(rowCount * features)).map { _ in
            Int.random(in: 0..<5, using: &generator) == 0 ? UInt8.random(in: 1...255, using: &generator) : 0
        }
        let rows = LabeledRows(matrix: FeatureMatrix(bytes: bytes, rowCount: rowCount, columnCount: features),
                               rows: Array(0..<Int32(rowCount)), targets: (0..<rowCount).map { Int32($0 % 2) })
        let objective = LinearObjective(data: rows, transform: FeatureTransform(.unit(divisor: 255), featureCount: features),
                                        kind: .logistic, classCount: 2)
        let l2 = 1e-3
        let curvature = try #require(objective.inverseCurvature(l2: l2) as? PixelScaleCurvature)
        for j in 0..<features {
            let meanSquare = (0..<rowCount).reduce(0.0) { $0 + pow(Double(bytes[$1 * features + j]) / 255, 2) } / Double(rowCount)
            let expected = 1 / (0.25 * meanSquare + l2 + 1e-6)
            #expect(abs(Double(curvature.diagonal[j]) - expected) < 1e-4 * expected)
        }
        #expect(abs(Double(curvature.diagonal[features]) - 1 / (0.25 + 1e-6)) < 1e-4)
    }
}
