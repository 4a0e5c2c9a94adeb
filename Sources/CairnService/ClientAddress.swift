import Hummingbird
import NIOCore

/// The service's request context: Hummingbird's basic one, plus the address of the client's
/// connection, for the limits that are charged per client address.
public struct ServiceRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's peer; `nil` when requests are sent to the router without a socket (tests).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// The client's IP address while a request is handled, for limits charged per address. Behind a
/// reverse proxy every request comes from the proxy's address: the proxy should then apply its
/// own per-client limits (`docs/DEPLOYMENT.md`).
enum ClientAddress {
    @TaskLocal static var current = "unknown"
}

/// Makes ``ClientAddress/current`` the request's peer address for the handlers that follow.
struct ClientAddressMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        // Without a socket (requests sent to the router directly) the caller's value stands.
        guard let address = context.remoteAddress?.ipAddress else { return try await next(request, context) }
        return try await ClientAddress.$current.withValue(address) { try await next(request, context) }
    }
}
