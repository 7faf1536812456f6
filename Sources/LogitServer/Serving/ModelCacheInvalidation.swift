import LogitStore
import ServiceLifecycle

/// Empties the model cache whenever any replica sharing the store stores or deletes a version or moves an alias,
/// and whenever changes may have been missed (the store's listening connection came back).
struct ModelCacheInvalidation: Service {
    let cache: ModelCache
    let changes: ChangeFeed

    func run() async {
        for await change in changes.subscribe().cancelOnGracefulShutdown()
            where change == .models || change == .resync
        {
            cache.invalidate()
        }
    }
}
