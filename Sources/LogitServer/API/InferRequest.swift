import LogitAPI

/// The JSON of `POST /v2/models/{name}/infer` (the whole body, or its header when tensors are binary). An input's
/// `data` is absent when `parameters.binary_data_size` says its bytes follow the JSON.
struct InferRequest: Decodable {
    struct Input: Decodable {
        var name: String
        var shape: [Int]
        var datatype: String
        var data: FlatNumbers?
        var parameters: [String: InferenceParameter]?
    }

    struct RequestedOutput: Decodable {
        var name: String
        var parameters: [String: InferenceParameter]?
    }

    var id: String?
    var inputs: [Input]
    var outputs: [RequestedOutput]?
    var parameters: [String: InferenceParameter]?
}
