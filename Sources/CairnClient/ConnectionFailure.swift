import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Why a request never got an answer, in words someone who typed the address can act on,
/// instead of the transport's own (`connection reset (error set): Connection refused (errno: 111)`).
enum ConnectionFailure {
    /// "could not connect to http://127.0.0.1:8080: nothing is listening there — is `cairn serve` running?"
    static func message(for error: any Error, baseURL: String, timeout: TimeAmount) -> String {
        let host = URL(string: baseURL)?.host ?? baseURL
        let seconds = timeout.nanoseconds / 1_000_000_000
        let couldNot = "could not connect to \(baseURL)"
        switch reason(error) {
        case .refused:
            return "\(couldNot): nothing is listening there — is `cairn serve` running, on that port?"
        case .unknownHost:
            return "\(couldNot): no computer named \(host) could be found (DNS); check the address in the link or --service"
        case .unreachable:
            return "\(couldNot): the network has no route to \(host); check the address, and this machine's network connection"
        case .tls(let detail):
            return "\(couldNot): the secure (TLS) connection could not be set up (\(detail)); check that the address is right, "
                + "that it starts with https:// only if the service has a certificate, and that this machine trusts that certificate"
        case .connectTimeout:
            return "\(couldNot): no answer to the connection attempt; check the address, and that no firewall is in the way"
        case .noAnswer:
            return "the study service at \(baseURL) did not answer within \(seconds) seconds; it may be overloaded: try again later"
        case .closed:
            return "the study service at \(baseURL) closed the connection before answering; try again, and if it keeps happening "
                + "tell whoever runs the service"
        case nil:
            return "cannot reach the study service at \(baseURL) (\(error))"
        }
    }

    enum Reason: Equatable {
        case refused, unknownHost, unreachable, tls(String), connectTimeout, noAnswer, closed
    }

    /// What went wrong, looking through the wrappers NIO and AsyncHTTPClient put around it.
    static func reason(_ error: any Error) -> Reason? {
        switch error {
        case let error as NIOConnectionError:
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty { return .unknownHost }
            // Every address tried failed: the first failure speaks for them.
            return error.connectionErrors.lazy.compactMap { reason($0.error) }.first
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: return .refused
            case EHOSTUNREACH, ENETUNREACH: return .unreachable
            case ECONNRESET, EPIPE: return .closed
            case ETIMEDOUT: return .connectTimeout
            default: return nil
            }
        case is SocketAddressError, is SocketAddressError.UnknownHost:
            return .unknownHost
        case let error as NIOSSLError:
            return .tls(String(describing: error))
        case let error as NIOSSLExtraError:
            return .tls(String(describing: error))
        case let error as BoringSSLError:
            return .tls(String(describing: error))
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout: return .connectTimeout
            case .tlsHandshakeTimeout: return .tls("the handshake timed out")
            case .deadlineExceeded, .readTimeout, .writeTimeout: return .noAnswer
            case .remoteConnectionClosed: return .closed
            default: return nil
            }
        default:
            return nil
        }
    }
}
