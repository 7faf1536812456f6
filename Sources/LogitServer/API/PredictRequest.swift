import Hummingbird
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

/// `{"pixels": [784 numbers]}` or `{"instances": [[784 numbers], ...]}`, with optional `model` and `version`.
package struct PredictRequest: Decodable {
    package var pixels: [Float]?
    package var instances: [[Float]]?
    package var model: String?
    package var version: VersionReference?

    enum CodingKeys: String, CodingKey, CaseIterable { case pixels, instances, model, version }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        pixels = try container.decodeIfPresent([Float].self, forKey: .pixels)
        instances = try container.decodeIfPresent([[Float]].self, forKey: .instances)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        if let number = try? container.decodeIfPresent(Int.self, forKey: .version) {
            version = .number(number)
        } else if let text = try container.decodeIfPresent(String.self, forKey: .version) {
            version = VersionReference(text)
        }
    }
}
