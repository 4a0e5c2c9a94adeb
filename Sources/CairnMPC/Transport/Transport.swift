/// The channel a party's protocols use to talk to the other two parties of one computation.
///
/// A transport belongs to one party in one protocol session. Messages are vectors of 64-bit words
/// (ring elements or packed bits); a network implementation writes them as little-endian bytes.
///
/// Ordering: the messages sent from one party to another within a session arrive in the order they
/// were sent. Protocols rely on this and on nothing else: they never tag messages.
///
/// Sends must not wait for the receiver to call `receive` (they are buffered), so that two parties
/// may each send before they receive without deadlocking.
public protocol Transport: Sendable {
    /// The party this transport sends for.
    var party: PartyIndex { get }

    /// Sends `words` to `peer`.
    func send(_ words: [UInt64], to peer: PartyIndex) async throws

    /// Receives the next message from `peer`, waiting until it arrives.
    ///
    /// Throws ``MPCError/peerUnavailable(_:reason:)`` when the peer is gone, and
    /// ``MPCError/cancelled`` when the calling task is cancelled.
    func receive(from peer: PartyIndex) async throws -> [UInt64]
}
