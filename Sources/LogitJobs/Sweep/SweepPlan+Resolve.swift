import Foundation
import LogitCore
import LogitData
import LogitStore

extension SweepPlan {
    /// Keys a path can run along: the penalty's strength.
    static let pathKeys = ["regularization.lambda", "regularization.C"]

    /// Expands the grid and resolves every point through `TrainingPlan.resolve`, before anything runs: any problem
    /// of any point is reported (naming the point and its values), and nothing is stored.
    public static func resolve(_ request: SweepRequest, limits: TrainingLimits, maxPoints: Int,
                               datasetNames: [String], loadDataset: (String) async throws -> Dataset) async throws
        -> SweepPlan
    {
        var problems: [FieldProblem] = []
        func problem(_ field: String, _ message: String) { problems.append(FieldProblem(field: field, message: message)) }
        guard case .object(var base) = request.base else {
            throw ValidationError(field: "base", "must be a training request (a JSON object, as POST /train takes)")
        }
        let baseName: String? = if case .string(let name) = base["name"] { name } else { nil }
        let name = request.name ?? baseName ?? ""
        if !ModelName.isValid(name) {
            problem("name", "a sweep needs a model name (its points' versions are stored under it): 1-64 characters of A-Z a-z 0-9 . _ -")
        }
        if let baseName, baseName != name { problem("base.name", "must be left out or equal the sweep's name") }
        base["name"] = .string(name)
        if let promote = request.promote, !ModelName.isValidAlias(promote) {
            problem("promote", "must be an alias name (1-64 characters of A-Z a-z 0-9 . _ -, not a number or 'latest')")
        }
        if let folds = request.cvFolds, !(2...20).contains(folds) { problem("cv_folds", "must be between 2 and 20") }
        let keys = request.grid.keys.sorted()
        if keys.isEmpty { problem("grid", "give at least one field and its values") }
        for key in keys where key == "name" || key == "dataset" || key.hasPrefix("task") {
            problem("grid", "'\(key)' cannot vary within a sweep: its points are versions of one model on one task")
        }
        var values: [[JSONValue]] = []
        for key in keys {
            switch request.grid[key]!.values() {
            case .success(let list): values.append(list)
            case .failure(let error):
                problems += error.problems.map { FieldProblem(field: "grid.\(key)", message: $0.message) }
                values.append([])
            }
        }
        let count = values.reduce(1) { $0.multipliedReportingOverflow(by: $1.count).partialValue }
        if count > maxPoints { problem("grid", "the grid makes \(count) points; this service allows at most \(maxPoints)") }
        guard problems.isEmpty else { throw ValidationError(problems: problems) }

        var points: [Point] = []
        let decoder = JSONDecoder()
        for index in 0..<count {
            var params: [String: JSONValue] = [:]
            var remainder = index
            // The last key varies fastest, as in scikit-learn's ParameterGrid.
            for (key, list) in zip(keys, values).reversed() {
                params[key] = list[remainder % list.count]
                remainder /= list.count
            }
            var body = JSONValue.object(base)
            for key in keys { body = body.setting(key.split(separator: "."), to: params[key]!) }
            // A grid over the penalty's strength alone takes the default penalty's type, as POST /train would.
            if case .object(var fields) = body, case .object(var penalty) = fields["regularization"] ?? .null,
               penalty["type"] == nil
            {
                penalty["type"] = .string(TrainingDefaults.regularization.typeName)
                fields["regularization"] = .object(penalty)
                body = .object(fields)
            }
            let label = "point \(index) (" + keys.map { "\($0)=\(params[$0]!)" }.joined(separator: ", ") + ")"
            do {
                let train = try decoder.decode(TrainRequest.self, from: JSONEncoder().encode(body))
                let plan = try await TrainingPlan.resolve(train, limits: limits, datasetNames: datasetNames,
                                                          loadDataset: loadDataset)
                if request.cvFolds == nil && plan.validationFraction == 0 {
                    problem("validation_fraction", "\(label): without cv_folds points are scored on the validation split, which needs validation_fraction above 0")
                }
                if (request.metric ?? .logLoss) == .rocAuc && plan.task.type != .binary {
                    problem("metric", "roc_auc scores binary models; \(label) is not binary")
                }
                points.append(Point(index: index, params: params, plan: plan))
            } catch let error as ValidationError {
                problems += error.problems.map { FieldProblem(field: $0.field, message: "\(label): \($0.message)") }
            } catch let error as UnknownFieldsError {
                problem("base", "\(label): \(error.description)")
            } catch let error as DecodingError {
                problem(keys.joined(separator: ", "), "\(label): a value has the wrong type (\(describe(error)))")
            }
            // One bad value usually spoils many points: a few are enough to name it.
            if problems.count >= 20 { break }
        }
        guard problems.isEmpty else { throw ValidationError(problems: problems) }
        let pathKey = keys.first { pathKeys.contains($0) }
        return SweepPlan(name: name, metric: request.metric ?? .logLoss, cvFolds: request.cvFolds,
                         promote: request.promote, keys: keys, points: points, pathKey: pathKey,
                         paths: paths(points, along: pathKey))
    }

    /// Points that differ only in the path key form one path, strongest penalty first.
    static func paths(_ points: [Point], along pathKey: String?) -> [[Int]] {
        guard let pathKey else { return points.map { [$0.index] } }
        var groups: [String: [Point]] = [:]
        var order: [String] = []
        for point in points {
            var others = point.params
            others[pathKey] = nil
            let group = JSONValue.object(others).description
            if groups[group] == nil { order.append(group) }
            groups[group, default: []].append(point)
        }
        return order.map { group in
            groups[group]!.sorted { $0.plan.regularization.strength > $1.plan.regularization.strength }.map(\.index)
        }
    }
}

/// A short account of a decoding error: the field and what was wrong.
private func describe(_ error: DecodingError) -> String {
    switch error {
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return "'\(path)' must be \(type)"
    case .keyNotFound(let key, _): return "'\(key.stringValue)' is missing"
    case .dataCorrupted(let context): return context.debugDescription
    @unknown default: return String(describing: error)
    }
}
