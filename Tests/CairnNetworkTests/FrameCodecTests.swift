import NIOCore
import NIOEmbedded
import Testing
@testable import CairnNetwork

/// The frame codec on an `EmbeddedChannel`: no sockets, no TLS.
@Suite("Message frames")
struct FrameCodecTests {
    func makeChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try MessageFrame.addCodec(to: channel.pipeline.syncOperations)
        return channel
    }

    /// The bytes the codec puts on the wire for `frames` (length fields added by the prepender).
    func wire(_ frames: [ByteBuffer], through channel: EmbeddedChannel) throws -> ByteBuffer {
        for frame in frames { try channel.writeOutbound(frame) }
        var wire = channel.allocator.buffer(capacity: 0)
        while var part = try channel.readOutbound(as: ByteBuffer.self) { wire.writeBuffer(&part) }
        return wire
    }

    /// Feeds `wire` to `channel` in pieces of `pieceSize` bytes and returns the messages decoded.
    func receive(_ wire: ByteBuffer, on channel: EmbeddedChannel, pieceSize: Int = 7_001) throws -> [ReceivedMessage] {
        var wire = wire
        var messages: [ReceivedMessage] = []
        while let piece = wire.readSlice(length: min(pieceSize, wire.readableBytes)), piece.readableBytes > 0 {
            try channel.writeInbound(piece)
            while let message = try channel.readInbound(as: ReceivedMessage.self) { messages.append(message) }
        }
        return messages
    }

    func roundTrip(_ messages: [(session: UInt64, words: [UInt64])]) throws -> [ReceivedMessage] {
        let channel = try makeChannel()
        defer { _ = try? channel.finish() }
        let frames = messages.flatMap { MessageFrame.encode($0.words, session: $0.session, allocator: channel.allocator) }
        return try receive(try wire(frames, through: channel), on: channel)
    }

    @Test("a one-word message has the documented layout")
    func layout() throws {
        let channel = try makeChannel()
        var bytes = try wire(
            MessageFrame.encode([0x0102_0304_0506_0708], session: 0x1122_3344_5566_7788, allocator: channel.allocator),
            through: channel)
        #expect(bytes.readInteger(endianness: .big, as: UInt32.self) == 17)
        #expect(bytes.readInteger(endianness: .little, as: UInt64.self) == 0x1122_3344_5566_7788)
        #expect(bytes.readInteger(as: UInt8.self) == 0x01)
        #expect(bytes.readBytes(length: 8) == [8, 7, 6, 5, 4, 3, 2, 1])
        #expect(bytes.readableBytes == 0)
        #expect(MessageFrame.wireLength(wordCount: 1) == 21)
    }

    @Test("empty, one-word and multi-chunk messages come back whole", arguments: [0, 1, 2, 131_072, 131_073, 300_000])
    func roundTrips(count: Int) throws {
        let words = (0..<count).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        let frames = MessageFrame.encode(words, session: 42, allocator: ByteBufferAllocator())
        #expect(frames.count == max(1, (count + 131_071) / 131_072))
        #expect(try roundTrip([(42, words)]) == [.data(session: 42, words: words)])
    }

    @Test("interleaved sessions are reassembled separately and keep their order")
    func interleaved() throws {
        let allocator = ByteBufferAllocator()
        let big1 = (0..<300_000).map { UInt64($0) }, big2 = (0..<200_000).map { ~UInt64($0) }
        let a = MessageFrame.encode(big1, session: 1, allocator: allocator)
        let b = MessageFrame.encode(big2, session: 2, allocator: allocator)
        let small = MessageFrame.encode([7, 8], session: 3, allocator: allocator)
        let empty = MessageFrame.encode([], session: 1, allocator: allocator)
        // a0 b0 small a1 b1 a2 (empty in session 1 after its big message)
        let frames = [a[0], b[0]] + small + [a[1], b[1], a[2]] + empty
        let channel = try makeChannel()
        let received = try receive(try wire(frames, through: channel), on: channel, pieceSize: 65_536)
        #expect(received == [
            .data(session: 3, words: [7, 8]), .data(session: 2, words: big2), .data(session: 1, words: big1),
            .data(session: 1, words: []),
        ])
    }

    @Test("a hello frame decodes as a hello")
    func hello() throws {
        let frames = MessageFrame.encode(NetworkCore.hello(from: .two), session: 0, flags: .hello, allocator: ByteBufferAllocator())
        let channel = try makeChannel()
        #expect(try receive(try wire(frames, through: channel), on: channel) == [.hello(NetworkCore.hello(from: .two))])
    }

    /// A raw frame: a length field and the given bytes after it.
    func rawFrame(length: UInt32, body: [UInt8]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 4 + body.count)
        buffer.writeInteger(length, endianness: .big)
        buffer.writeBytes(body)
        return buffer
    }

    static let header: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0, 0x01]  // session 1, last

    @Test("a frame that is not a header and whole words is refused", arguments: [0, 5, 8, 12, 16])
    func badLength(length: Int) throws {
        let channel = try makeChannel()
        let body = Array((Self.header + [UInt8](repeating: 0xAA, count: 16)).prefix(length))
        #expect(throws: FrameError.badLength(length: length)) {
            try channel.writeInbound(rawFrame(length: UInt32(length), body: body))
        }
        // Whatever follows is ignored.
        try channel.writeInbound(try wire(MessageFrame.encode([1], session: 1, allocator: channel.allocator), through: channel))
        #expect(try channel.readInbound(as: ReceivedMessage.self) == nil)
    }

    @Test("an oversized frame is refused as soon as its length field arrives")
    func oversized() throws {
        let channel = try makeChannel()
        let length = MessageFrame.maximumFrameLength + 8
        #expect(throws: FrameError.tooLong(length: length)) {
            try channel.writeInbound(rawFrame(length: UInt32(length), body: Self.header))
        }
        let huge = try makeChannel()
        #expect(throws: FrameError.tooLong(length: Int(UInt32.max))) {
            try huge.writeInbound(rawFrame(length: .max, body: []))
        }
    }

    @Test("a frame of exactly the maximum length is accepted")
    func maximum() throws {
        let words = [UInt64](repeating: 5, count: MessageFrame.maximumPayloadWords)
        #expect(try roundTrip([(9, words)]) == [.data(session: 9, words: words)])
    }

    @Test("a goodbye frame carries its reason, and untrusted text is repaired")
    func goodbye() throws {
        let reason = "party 3 is unavailable: closed the connection"
        #expect(MessageFrame.text(fromWords: MessageFrame.words(fromText: reason)) == reason)
        #expect(MessageFrame.text(fromWords: MessageFrame.words(fromText: "")) == "")
        #expect(MessageFrame.text(fromWords: []) == "(no reason given)")
        #expect(MessageFrame.text(fromWords: [100, 0]) == "(no reason given)")
        #expect(MessageFrame.text(fromWords: [2, 0x0A41]) == "A")
        #expect(MessageFrame.words(fromText: String(repeating: "x", count: 5000)).count == 1 + 128)
    }

    @Test("reserved flag bits and split hellos are refused")
    func flags() throws {
        let channel = try makeChannel()
        #expect(throws: FrameError.reservedFlags(0x09)) {
            try channel.writeInbound(rawFrame(length: 9, body: [1, 0, 0, 0, 0, 0, 0, 0, 0x09]))
        }
        let other = try makeChannel()
        #expect(throws: FrameError.fragmentedHello) {
            try other.writeInbound(rawFrame(length: 9, body: [0, 0, 0, 0, 0, 0, 0, 0, 0x02]))
        }
    }
}
