import Hummingbird

/// The request context of the service's router, and so the context every controller's handlers take.
typealias AppRequestContext = BasicRequestContext
