import CairnMPC
import NIOCore

/// A ``Transport`` for one session of a ``PartyNetwork``.
struct NetworkTransport: Transport {
    let core: NetworkCore
    let session: UInt64

    var party: PartyIndex { core.party }

    private static let allocator = ByteBufferAllocator()

    func send(_ words: [UInt64], to peer: PartyIndex) async throws {
        guard let link = core.links[peer] else {
            throw MPCError.invalidArgument("\(party) cannot send to itself")
        }
        if let failure = link.failure { throw failure }
        let frames = MessageFrame.encode(words, session: session, allocator: Self.allocator)
        try await link.send(frames, wireLength: MessageFrame.wireLength(wordCount: words.count))
    }

    func receive(from peer: PartyIndex) async throws -> [UInt64] {
        guard let link = core.links[peer] else {
            throw MPCError.invalidArgument("\(party) cannot receive from itself")
        }
        return try await link.inbox.receive(session: session)
    }
}
