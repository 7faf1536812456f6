import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitCore
import LogitServer
import Testing

/// Options of POST /train as a user chooses them with curl: each is stored with the version and changes what is
/// learned in the expected way.
@Suite struct TrainingOptionsAPITests {
    func metrics(_ client: some TestClientProtocol, _ name: String) async throws -> MetricsView {
        try decode(MetricsView.self, try await client.request(.get, "/models/\(name)/versions/latest/metrics"))
    }

    @Test func l1OnTwoVersusThreeGivesExactZerosAndKeepsAccuracy() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let id = try await client.submit(
                #"{"task":{"type":"binary","positive":[2],"negative":[3]},"regularization":{"type":"l1","lambda":0.001}}"#)
            let job = try await client.waitForJob(id)
            #expect(job.status == .succeeded)
            let plan = try #require(job.request)
            #expect(plan.optimizer == .gd)
            #expect(plan.regularization == .l1(lambda: 0.001))
            let result = try await metrics(client, "mnist-2-vs-3")
            let sparsity = result.sparsity
            let constant = try #require(result.constantFeatureShare)
            let test = try #require(result.metrics)
            #expect(sparsity >= 0.3)
            #expect(sparsity > constant + 0.1, "zeros beyond the structural ones")
            #expect(test.accuracy >= 0.96)
            #expect((test.rocAuc ?? 0) > 0.98)
            #expect(result.threshold == 0.5)
        }
    }

    @Test func breastCancerByDefaultPredictsMalignancy() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let job = try await client.waitForJob(try await client.submit(#"{"dataset":"breast-cancer-wisconsin"}"#))
            #expect(job.status == .succeeded)
            let version = try decode(VersionView.self,
                                     try await client.request(.get, "/models/breast-cancer-wisconsin-4-vs-rest/versions/1"))
            #expect(version.classes == [.integer(2), .integer(4)])
            #expect(version.input.name == "features")
            #expect(version.preprocessing.name == "standardize")
            let result = try await metrics(client, "breast-cancer-wisconsin-4-vs-rest")
            let test = try #require(result.metrics)
            #expect(test.count == 140)
            #expect(test.accuracy >= 0.95)
            // Huge but finite values are refused rather than answered with NaN probabilities.
            let huge = try await client.request(.post, "/predict",
                #"{"model":"breast-cancer-wisconsin-4-vs-rest","pixels":[-3.4e38,3.4e38,-3.4e38,3.4e38,-3.4e38,3.4e38,-3.4e38,3.4e38,-3.4e38]}"#)
            #expect(huge.status == .badRequest)
            // Raw features, as in the file: a typical benign and a typical malignant sample.
            for (features, label) in [("[5,1,1,1,2,1,3,1,1]", 2), ("[8,10,10,8,7,10,9,7,1]", 4)] {
                let answer = try decode(PredictionsView.self, try await client.request(
                    .post, "/predict", #"{"model":"breast-cancer-wisconsin-4-vs-rest","pixels":\#(features)}"#))
                #expect(answer.predictions.first?.label == .integer(label))
            }
        }
    }

    @Test func scikitLearnsCMapsToLambdaOverTheTrainingRows() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let response = try await client.request(
                .post, "/train", #"{"dataset":"breast-cancer-wisconsin","regularization":{"type":"l2","C":2}}"#)
            let plan = try #require(try decode(AcceptedJobView.self, response).job.request)
            guard case .l2(let lambda) = plan.regularization else {
                Issue.record("an l2 request was planned as \(plan.regularization)")
                return
            }
            // 699 rows, 20% held out for testing (559 left), 10% of those for validation: 503 train.
            #expect(abs(lambda - 1 / (2.0 * 503)) < 1e-12)
        }
    }

    /// A batch larger than the training rows is clipped to them, and the plan says so.
    @Test func aBatchLargerThanTheTrainingRowsIsClippedToThem() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            // 699 rows, 20% held out for testing, 10% of the rest for validation: 503 train.
            for (body, expected) in [
                (#"{"dataset":"breast-cancer-wisconsin","optimizer":"sgd","batch_size":1e12}"#, 503),
                (#"{"dataset":"breast-cancer-wisconsin","optimizer":"sgd","batch_size":64}"#, 64),
                (#"{"dataset":"breast-cancer-wisconsin","model":"mlp","train_size":100}"#, 100),
            ] {
                let response = try await client.request(.post, "/train", body)
                #expect(response.status == .accepted, "\(body)")
                let plan = try #require(try decode(AcceptedJobView.self, response).job.request)
                #expect(plan.batchSize == expected, "\(body)")
            }
        }
    }

    @Test func earlyStoppingIsRecordedWithTheVersion() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let body = #"{"name":"es","train_size":300,"regularization":{"type":"none"},"optimizer":"adam","batch_size":50,"#
                + #""learning_rate":0.01,"epochs":200,"eval_every":6,"early_stopping":{"patience":3}}"#
            let job = try await client.waitForJob(try await client.submit(body))
            #expect(job.status == .succeeded)
            let version = try decode(VersionView.self, try await client.request(.get, "/models/es/versions/1"))
            #expect(version.stopReason == "early_stopping")
            #expect(version.epochsCompleted < 200)
            #expect(version.bestEpoch != nil)
            let plan = try #require(version.hyperparameters)
            #expect(plan.optimizer == .adam)
            #expect(plan.earlyStopping?.restoreBest == true)
        }
    }

    @Test func oneVersusRestAndRidgeModels() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let ovr = try await client.waitForJob(try await client.submit(
                #"{"name":"ovr","model":"ovr","train_size":5000,"epochs":40}"#))
            let ridge = try await client.waitForJob(try await client.submit(
                #"{"name":"ridge","model":"ridge","train_size":5000,"regularization":{"type":"l2","lambda":0.01}}"#))
            #expect(ovr.status == .succeeded && ridge.status == .succeeded)
            var accuracies: [String: Double] = [:]
            for name in ["ovr", "ridge"] {
                let version = try decode(VersionView.self, try await client.request(.get, "/models/\(name)/versions/1"))
                #expect(version.kind.rawValue == name)
                #expect(version.classes == (0...9).map(ClassLabel.integer))
                accuracies[name] = try await metrics(client, name).metrics?.accuracy
                let answer = try decode(PredictionsView.self, try await client.request(
                    .post, "/predict", try examplePixels(7).dropLast() + #", "model": "\#(name)"}"#))
                let prediction = try #require(answer.predictions.first)
                #expect(prediction.label == .integer(7))
                #expect(abs(prediction.probabilities.reduce(0, +) - 1) < 1e-4)
            }
            #expect((accuracies["ovr"] ?? 0) > 0.85)
            #expect((accuracies["ridge"] ?? 0) > 0.8)
            let curves = try decode(CurvesView.self, try await client.request(.get, "/models/ridge/versions/1/curves"))
            #expect(curves.points.count == 1)
        }
    }

    @Test func aSmallMLPLearnsAndServes() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let job = try await client.waitForJob(try await client.submit(
                #"{"name":"mlp","model":"mlp","hidden":32,"activation":"sigmoid","train_size":3000,"epochs":3,"learning_rate":0.005}"#))
            #expect(job.status == .succeeded)
            let plan = try #require(job.request)
            #expect(plan.optimizer == .adam && plan.batchSize == 128)
            let version = try decode(VersionView.self, try await client.request(.get, "/models/mlp/versions/1"))
            #expect(version.kind == .mlp)
            #expect(version.hiddenUnits == 32 && version.activation == .sigmoid)
            #expect((try await metrics(client, "mlp").metrics?.accuracy ?? 0) > 0.85)
            let answer = try decode(PredictionsView.self, try await client.request(
                .post, "/predict", try examplePixels(7).dropLast() + #", "model": "mlp"}"#))
            #expect(answer.predictions.first?.label == .integer(7))
        }
    }

    @Test func aDivergingRunFailsWithAClearMessage() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let job = try await client.waitForJob(try await client.submit(
                #"{"train_size":500,"optimizer":"sgd","batch_size":50,"epochs":2,"learning_rate":1e30}"#))
            #expect(job.status == .failed)
            #expect(job.error?.contains("diverged") == true)
        }
    }

    @Test func invalidCombinationsAreExplained() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            for body in [
                #"{"optimizer":"lbfgs","regularization":{"type":"l1","lambda":0.01}}"#,
                #"{"regularization":{"type":"l2","lambda":0.1,"C":1}}"#,
                #"{"regularization":{"type":"l2","l1_ratio":0.5}}"#,
                #"{"regularization":{"type":"elastic_net","l1_ratio":2},"optimizer":"gd"}"#,
                #"{"optimizer":"sgd","batch_size":10,"nesterov":true}"#,
                #"{"schedule":{"type":"line_search"}}"#,
                #"{"early_stopping":{"patience":0}}"#,
                #"{"early_stopping":{},"validation_fraction":0}"#,
                #"{"preprocess":"whiten"}"#,
                #"{"test_fraction":0.1}"#,
                #"{"model":"ovr","task":{"type":"binary","positive":[1]}}"#,
                #"{"model":"ridge","regularization":{"type":"l1","lambda":0.1},"optimizer":"gd"}"#,
                #"{"model":"perceptron"}"#,
                #"{"hidden":64}"#,
                #"{"model":"mlp","activation":"tanh"}"#,
                #"{"model":"mlp","hidden":0}"#,
            ] {
                let response = try await client.request(.post, "/train", body)
                #expect(response.status == .badRequest, "\(body)")
                let detail = try decode(ErrorAnswer.self, response)
                #expect(detail.details?.isEmpty == false, "\(body): \(detail)")
            }
        }
    }
}
