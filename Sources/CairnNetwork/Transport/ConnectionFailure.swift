import CairnMPC
import Foundation
import NIOCore
import NIOSSL

/// Why an attempt to dial a peer failed, and whether trying again could help.
struct ConnectionFailure: Error, Equatable {
    /// Plain English, naming no secret; completes "party N …" or "could not connect …: …".
    var reason: String
    /// A certificate was refused: retrying cannot help.
    var isFatal: Bool

    /// Plain words for an error from a connection, completing "party N …".
    static func describe(_ error: any Error) -> String {
        switch error {
        case let failure as ConnectionFailure:
            return failure.reason
        case is FrameError, is ByteToMessageDecoderError.PayloadTooLargeError:
            return "sent a malformed frame"
        case let error as NIOSSLError:
            switch error {
            case .uncleanShutdown: return "closed the connection"
            case let .handshakeFailed(underlying): return "failed the TLS handshake (\(underlying))"
            default: return "broke the TLS connection (\(error))"
            }
        case let error as BoringSSLError:
            return "broke the TLS connection (\(error))"
        case let error as ChannelError:
            switch error {
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed: return "closed the connection"
            case .connectTimeout: return "did not accept the connection in time"
            default: return "broke the connection (\(error))"
            }
        case let error as IOError:
            switch error.errnoCode {
            case ECONNRESET: return "reset the connection"
            case EPIPE: return "closed the connection"
            case ECONNREFUSED: return "refused the connection (nothing listening)"
            default: return "broke the connection (\(error))"
            }
        default:
            if "\(error)".contains("connectionRefused") || "\(error)".contains("Connection refused") {
                return "refused the connection (nothing listening)"
            }
            return "broke the connection (\(error))"
        }
    }

    /// Whether a TLS error is the peer's alert refusing this party's certificate.
    static func isCertificateRefusal(_ error: any Error) -> Bool {
        let text: String
        switch error {
        case let error as NIOSSLError: text = "\(error)"
        case let error as BoringSSLError: text = "\(error)"
        default: return false
        }
        return text.contains("ALERT_CERTIFICATE") || text.contains("ALERT_BAD_CERTIFICATE")
            || text.contains("ALERT_UNKNOWN_CA") || text.contains("ALERT_UNSUPPORTED_CERTIFICATE")
            || text.contains("ALERT_CERTIFICATE_REQUIRED") || text.contains("ALERT_ACCESS_DENIED")
    }
}
