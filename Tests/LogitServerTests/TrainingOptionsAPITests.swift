import Foundation
import Hummingbird
import HummingbirdTesting
import LogitServer
import Testing

/// Options of POST /train as a user chooses them with curl: each is stored with the version and changes what is
/// learned in the expected way.
@Suite struct TrainingOptionsAPITests {
    func metrics(_ client: some TestClientProtocol, _ name: String) async throws -> [String: Any] {
        try json(try await client.request(.get, "/models/\(name)/versions/latest/metrics"))
    }

    @Test func l1OnTwoVersusThreeGivesExactZerosAndKeepsAccuracy() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let id = try await client.submit(
                #"{"task":{"type":"binary","positive":[2],"negative":[3]},"regularization":{"type":"l1","lambda":0.001}}"#)
            let job = try await client.waitForJob(id)
            #expect(job["status"] as? String == "succeeded")
            let plan = try #require(job["request"] as? [String: Any])
            #expect(plan["optimizer"] as? String == "gd")
            #expect((plan["regularization"] as? [String: Any])?["type"] as? String == "l1")
            let result = try await metrics(client, "mnist-2-vs-3")
            let sparsity = try #require(result["sparsity"] as? Double)
            let constant = try #require(result["constant_feature_share"] as? Double)
            let test = try #require(result["metrics"] as? [String: Any])
            #expect(sparsity >= 0.3)
            #expect(sparsity > constant + 0.1, "zeros beyond the structural ones")
            #expect((test["accuracy"] as? Double ?? 0) >= 0.96)
            #expect((test["roc_auc"] as? Double ?? 0) > 0.98)
            #expect(result["threshold"] as? Double == 0.5)
        }
    }

    @Test func breastCancerByDefaultPredictsMalignancy() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let job = try await client.waitForJob(try await client.submit(#"{"dataset":"breast-cancer-wisconsin"}"#))
            #expect(job["status"] as? String == "succeeded")
            let version = try json(try await client.request(.get, "/models/breast-cancer-wisconsin-4-vs-rest/versions/1"))
            #expect(version["classes"] as? [Int] == [2, 4])
            #expect((version["input"] as? [String: Any])?["name"] as? String == "features")
            #expect((version["preprocessing"] as? [String: Any])?["type"] as? String == "standardize")
            let result = try await metrics(client, "breast-cancer-wisconsin-4-vs-rest")
            let test = try #require(result["metrics"] as? [String: Any])
            #expect(test["count"] as? Int == 140)
            #expect((test["accuracy"] as? Double ?? 0) >= 0.95)
            // Huge but finite values are refused rather than answered with NaN probabilities.
            let huge = try await client.request(.post, "/predict",
                #"{"model":"breast-cancer-wisconsin-4-vs-rest","pixels":[-3.4e38,3.4e38,-3.4e38,3.4e38,-3.4e38,3.4e38,-3.4e38,3.4e38,-3.4e38]}"#)
            #expect(huge.status == .badRequest)
            // Raw features, as in the file: a typical benign and a typical malignant sample.
            for (features, label) in [("[5,1,1,1,2,1,3,1,1]", 2), ("[8,10,10,8,7,10,9,7,1]", 4)] {
                let answer = try json(try await client.request(
                    .post, "/predict", #"{"model":"breast-cancer-wisconsin-4-vs-rest","pixels":\#(features)}"#))
                #expect((answer["predictions"] as? [[String: Any]])?.first?["label"] as? Int == label)
            }
        }
    }

    @Test func scikitLearnsCMapsToLambdaOverTheTrainingRows() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let response = try await client.request(
                .post, "/train", #"{"dataset":"breast-cancer-wisconsin","regularization":{"type":"l2","C":2}}"#)
            let plan = try #require((try json(response)["job"] as? [String: Any])?["request"] as? [String: Any])
            let lambda = try #require((plan["regularization"] as? [String: Any])?["lambda"] as? Double)
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
                let plan = try #require((try json(response)["job"] as? [String: Any])?["request"] as? [String: Any])
                #expect(plan["batch_size"] as? Int == expected, "\(body)")
            }
        }
    }

    @Test func earlyStoppingIsRecordedWithTheVersion() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let body = #"{"name":"es","train_size":300,"regularization":{"type":"none"},"optimizer":"adam","batch_size":50,"#
                + #""learning_rate":0.01,"epochs":200,"eval_every":6,"early_stopping":{"patience":3}}"#
            let job = try await client.waitForJob(try await client.submit(body))
            #expect(job["status"] as? String == "succeeded")
            let version = try json(try await client.request(.get, "/models/es/versions/1"))
            #expect(version["stop_reason"] as? String == "early_stopping")
            #expect((version["epochs_completed"] as? Int ?? 200) < 200)
            #expect(version["best_epoch"] as? Double != nil)
            let plan = try #require(version["hyperparameters"] as? [String: Any])
            #expect(plan["optimizer"] as? String == "adam")
            #expect((plan["early_stopping"] as? [String: Any])?["restore_best"] as? Bool == true)
        }
    }

    @Test func oneVersusRestAndRidgeModels() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let ovr = try await client.waitForJob(try await client.submit(
                #"{"name":"ovr","model":"ovr","train_size":5000,"epochs":40}"#))
            let ridge = try await client.waitForJob(try await client.submit(
                #"{"name":"ridge","model":"ridge","train_size":5000,"regularization":{"type":"l2","lambda":0.01}}"#))
            #expect(ovr["status"] as? String == "succeeded" && ridge["status"] as? String == "succeeded")
            var accuracies: [String: Double] = [:]
            for name in ["ovr", "ridge"] {
                let version = try json(try await client.request(.get, "/models/\(name)/versions/1"))
                #expect(version["kind"] as? String == name)
                #expect(version["classes"] as? [Int] == Array(0...9))
                accuracies[name] = ((try await metrics(client, name))["metrics"] as? [String: Any])?["accuracy"] as? Double
                let answer = try json(try await client.request(
                    .post, "/predict", try examplePixels(7).dropLast() + #", "model": "\#(name)"}"#))
                let prediction = try #require((answer["predictions"] as? [[String: Any]])?.first)
                #expect(prediction["label"] as? Int == 7)
                let probabilities = try #require(prediction["probabilities"] as? [Double])
                #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)
            }
            #expect((accuracies["ovr"] ?? 0) > 0.85)
            #expect((accuracies["ridge"] ?? 0) > 0.8)
            let curves = try json(try await client.request(.get, "/models/ridge/versions/1/curves"))
            #expect((curves["points"] as? [Any])?.count == 1)
        }
    }

    @Test func aSmallMLPLearnsAndServes() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let job = try await client.waitForJob(try await client.submit(
                #"{"name":"mlp","model":"mlp","hidden":32,"activation":"sigmoid","train_size":3000,"epochs":3,"learning_rate":0.005}"#))
            #expect(job["status"] as? String == "succeeded")
            let plan = try #require(job["request"] as? [String: Any])
            #expect(plan["optimizer"] as? String == "adam" && plan["batch_size"] as? Int == 128)
            let version = try json(try await client.request(.get, "/models/mlp/versions/1"))
            #expect(version["kind"] as? String == "mlp")
            #expect(version["hidden_units"] as? Int == 32 && version["activation"] as? String == "sigmoid")
            #expect((((try await metrics(client, "mlp"))["metrics"] as? [String: Any])?["accuracy"] as? Double ?? 0) > 0.85)
            let answer = try json(try await client.request(
                .post, "/predict", try examplePixels(7).dropLast() + #", "model": "mlp"}"#))
            #expect((answer["predictions"] as? [[String: Any]])?.first?["label"] as? Int == 7)
        }
    }

    @Test func aDivergingRunFailsWithAClearMessage() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            let job = try await client.waitForJob(try await client.submit(
                #"{"train_size":500,"optimizer":"sgd","batch_size":50,"epochs":2,"learning_rate":1e30}"#))
            #expect(job["status"] as? String == "failed")
            #expect((job["error"] as? String)?.contains("diverged") == true)
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
                let detail = try json(response)
                #expect((detail["details"] as? [[String: Any]])?.isEmpty == false, "\(body): \(detail)")
            }
        }
    }
}
