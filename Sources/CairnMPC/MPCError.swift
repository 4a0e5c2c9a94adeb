/// Errors raised while running a multi-party protocol.
///
/// No case carries share values or revealed data: messages describe what went wrong and with whom,
/// never the numbers involved.
public enum MPCError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A peer sent a message whose length differs from what the protocol expects at this step.
    case unexpectedMessageLength(from: PartyIndex, expected: Int, received: Int)
    /// Two vectors that a protocol combines element-wise have different lengths.
    case lengthMismatch(expected: Int, actual: Int)
    /// A peer is unreachable, has closed its connection or has aborted the computation.
    case peerUnavailable(PartyIndex, reason: String)
    /// The computation was cancelled locally.
    case cancelled
    /// An argument is outside what the protocol supports.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .unexpectedMessageLength(party, expected, received):
            "\(party) sent a message of \(received) words where \(expected) were expected; the computation was aborted"
        case let .lengthMismatch(expected, actual):
            "vectors of different lengths (\(expected) and \(actual)) cannot be combined element-wise"
        case let .peerUnavailable(party, reason):
            "\(party) is unavailable: \(reason)"
        case .cancelled:
            "the computation was cancelled"
        case let .invalidArgument(message):
            message
        }
    }
}
