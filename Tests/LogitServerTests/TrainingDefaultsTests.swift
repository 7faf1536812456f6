import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitCore
import LogitJobs
import Testing
@testable import LogitServer

/// `GET /train/defaults` serves `TrainingDefaults`, the one declaration of every default: the resolver fills
/// requests from it, the page reads it, and the README's table says the same.
@Suite struct TrainingDefaultsTests {
    func servedDefaults() async throws -> NSDictionary {
        let app = try await testApplication(testConfiguration())
        let body = try await app.test(.router) { client in
            let response = try await client.request(.get, "/train/defaults")
            #expect(response.status == .ok)
            return Data(buffer: response.body)
        }
        return try #require(try JSONSerialization.jsonObject(with: body) as? NSDictionary)
    }

    @Test func thePageTestsUseWhatTheServiceServes() async throws {
        let fixture = try JSONSerialization.jsonObject(
            with: Data(contentsOf: repositoryRoot.appendingPathComponent("tests/js/fixtures/train-defaults.json")))
        #expect(try await servedDefaults() == fixture as? NSDictionary,
                "tests/js/fixtures/train-defaults.json differs from GET /train/defaults: copy the served table there")
    }

    /// Plans resolved from requests that leave fields out take the table's values.
    @Test func theResolverFillsRequestsFromTheTable() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            func accepted(_ body: String) async throws -> TestResponse {
                let response = try await client.request(.post, "/train", body)
                #expect(response.status == .accepted)
                return response
            }
            func plan(_ answer: TestResponse) throws -> TrainingPlan {
                try #require(try decode(AcceptedJobView.self, answer).job.request)
            }
            // 2,000 MNIST rows are a large fit (2,000 x 7,850 multiply-adds a pass): the large-fit stopping defaults.
            let plain = try plan(try await accepted(#"{"train_size": 2000, "epochs": 1}"#))
            #expect(plain.optimizer == TrainingDefaults.fullBatchOptimizer)
            #expect(plain.learningRate == TrainingDefaults.learningRate(.lbfgs))
            #expect(plain.tolerance == TrainingDefaults.tolerance(.lbfgs))
            #expect(plain.gradientTolerance == TrainingDefaults.gradientTolerance(.lbfgs))
            #expect(plain.trainingOptions.gradientTolerance == TrainingDefaults.gradientTolerance(.lbfgs))
            #expect(plain.seed == TrainingDefaults.seed)
            #expect(plain.validationFraction == TrainingDefaults.validationFraction)
            #expect(plain.regularization == .l2(lambda: TrainingDefaults.lambda))
            let mlp = try plan(try await accepted(#"{"model": "mlp", "train_size": 1000, "epochs": 1}"#))
            #expect(mlp.optimizer == TrainingDefaults.mlpOptimizer)
            #expect(mlp.batchSize == TrainingDefaults.mlpBatchSize)
            #expect(mlp.hidden == TrainingDefaults.hiddenUnits)
            let stepAnswer = try await accepted(
                #"{"optimizer": "sgd", "batch_size": 10, "train_size": 100, "schedule": {"type": "step"}}"#)
            #expect(try plan(stepAnswer).epochs == TrainingDefaults.epochs(.sgd))
            // The schedule as written, not as decoded: decoding fills a left-out `every` or `factor` with the
            // table's value, which would hide a resolver that did not.
            let written = try #require((try json(stepAnswer)["job"] as? [String: Any])?["request"] as? [String: Any])
            #expect(written["schedule"] as? NSDictionary == ["type": "step", "every": TrainingDefaults.stepEvery,
                                                              "factor": TrainingDefaults.stepFactor] as NSDictionary)
        }
    }

    /// The Default column of the README's "Training options" table, by field.
    func readmeDefaults() throws -> [String: String] {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Training options").dropFirst().first)
            .components(separatedBy: "\n## ")[0]
        var cells: [String: String] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let columns = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard columns.count > 2 else { continue }
            cells[columns[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = columns[2]
        }
        return cells
    }

    /// How the README may write a number: 0.0001 as `1e-4`, 1 as `1.0`.
    func spellings(_ value: Double) -> [String] {
        var forms = ["\(value)", value == value.rounded() ? "\(Int(value))" : "\(value)"]
        if value > 0, case let exponent = Int(log10(value).rounded()), value == pow(10, Double(exponent)) {
            forms.append("1e\(exponent)")
        }
        return forms
    }

    @Test func theReadmeTableStatesTheServedDefaults() throws {
        let readme = try readmeDefaults()
        func expectCell(_ field: String, mentions values: [String]) {
            guard let cell = readme[field] else {
                Issue.record("README's Training options table has no row for `\(field)`")
                return
            }
            for value in values {
                #expect(cell.contains(value), "README's default for `\(field)` (\(cell)) does not mention \(value)")
            }
        }
        func expectCell(_ field: String, mentionsNumber value: Double) {
            let cell = readme[field] ?? ""
            #expect(spellings(value).contains { cell.contains($0) }, "README's default for `\(field)` (\(cell)) does not say \(value)")
        }
        expectCell("dataset", mentions: ["`\(TrainingDefaults.dataset)`"])
        expectCell("model", mentions: ["`\(TrainingDefaults.multiclassModel.rawValue)`", "`\(TrainingDefaults.binaryModel.rawValue)`"])
        expectCell("optimizer", mentions: [TrainingDefaults.fullBatchOptimizer, TrainingDefaults.nonSmoothFullBatchOptimizer,
                                           TrainingDefaults.miniBatchOptimizer, TrainingDefaults.mlpOptimizer].map { "`\($0.rawValue)`" })
        expectCell("hidden", mentionsNumber: Double(TrainingDefaults.hiddenUnits))
        expectCell("activation", mentions: ["`\(TrainingDefaults.activation.rawValue)`"])
        expectCell("momentum", mentionsNumber: TrainingDefaults.momentum)
        expectCell("nesterov", mentions: ["\(TrainingDefaults.nesterov)"])
        expectCell("epochs", mentions: ["\(TrainingDefaults.epochs(.lbfgs)) `lbfgs`", "\(TrainingDefaults.epochs(.gd)) `gd`",
                                        "\(TrainingDefaults.mlpEpochs) `mlp`", "\(TrainingDefaults.epochs(.sgd)) other mini-batch"])
        expectCell("batch_size", mentions: ["\(TrainingDefaults.batchSize)", "\(TrainingDefaults.mlpBatchSize) for `mlp`"])
        for optimizer in [OptimizerKind.gd, .lbfgs, .sgd, .adam] {
            expectCell("learning_rate", mentionsNumber: TrainingDefaults.learningRate(optimizer))
        }
        expectCell("schedule", mentions: [#"{"type":"constant"}"#])
        let lambdaSpellings = spellings(TrainingDefaults.lambda)
        #expect(lambdaSpellings.contains { (readme["regularization"] ?? "").contains(#"{"type":"l2","lambda":\#($0)}"#) },
                "README's default regularization does not say l2 with lambda \(TrainingDefaults.lambda)")
        let tolerance = readme["tolerance"] ?? ""
        #expect(spellings(TrainingDefaults.tolerance(.lbfgs)).contains { tolerance.contains("\($0) for `lbfgs`") })
        #expect(tolerance.contains("else \(Int(TrainingDefaults.tolerance(.gd)))"))
        let gradientTolerance = readme["gradient_tolerance"] ?? ""
        #expect(spellings(TrainingDefaults.gradientTolerance(.lbfgs)).contains {
            gradientTolerance.contains("\($0) for `lbfgs`")
        }, "README's default for `gradient_tolerance` (\(gradientTolerance))")
        #expect(gradientTolerance.contains("else \(Int(TrainingDefaults.gradientTolerance(.gd)))"))
        expectCell("test_fraction", mentionsNumber: TrainingDefaults.testFraction)
        expectCell("validation_fraction", mentionsNumber: TrainingDefaults.validationFraction)
        expectCell("seed", mentionsNumber: Double(TrainingDefaults.seed))
        expectCell("eval_every", mentionsNumber: Double(TrainingDefaults.evalEvery))
    }
}
