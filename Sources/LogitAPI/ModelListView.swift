/// `GET /models`: every model, without its versions.
public struct ModelListView: Codable, Sendable {
    public var models: [ModelView]

    public init(models: [ModelView]) {
        self.models = models
    }
}
