import NIOCore
import NIOExtras

/// The wire format of the messages between two parties, inside their TLS connection.
///
/// A message (a vector of 64-bit words in one protocol session) travels as one or more frames:
///
/// ```
/// frame    = length session flags payload
/// length   UInt32, big-endian: the number of bytes after this field, 9 + 8k
///          (written by NIOExtras' LengthFieldPrepender, read by LengthFieldBasedFrameDecoder)
/// session  UInt64, little-endian: the protocol session the message belongs to
/// flags    UInt8: bit 0 (0x01) set on the last frame of a message;
///          bit 1 (0x02) set on the hello frame that opens a connection (never on session data);
///          bits 2–7 are zero
/// payload  k words, each a little-endian UInt64, with 0 ≤ k ≤ 131 072 (1 MiB of payload)
/// ```
///
/// A message of `n` words is cut into `max(1, ⌈n / 131 072⌉)` frames, all full but the last; an
/// empty message is one frame with an empty payload. The receiver concatenates the payloads of a
/// session's frames up to and including the one with the last-chunk bit, and delivers the words.
/// Frames of different sessions may be interleaved; frames of one session arrive in order (TCP).
///
/// A frame is malformed if its length is under 9, is not 9 plus a multiple of 8, or exceeds
/// ``maximumFrameLength``, if a reserved flag bit is set, or if a hello frame is not a single,
/// last frame. A malformed frame ends the connection (see ``FrameError``).
enum MessageFrame {
    /// Bytes of session id and flags before the payload.
    static let headerLength = 9
    /// The largest payload of one frame, in words (1 MiB).
    static let maximumPayloadWords = 1 << 17
    /// The largest value of the length field: header and a full payload.
    static let maximumFrameLength = headerLength + 8 * maximumPayloadWords
    /// Bytes of the length field that precedes each frame.
    static let lengthFieldLength = 4

    /// The flag bits of a frame.
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        /// The frame carries the last chunk of its message.
        static let last = Flags(rawValue: 0x01)
        /// The frame is the hello that opens a connection.
        static let hello = Flags(rawValue: 0x02)
        /// The frame is a goodbye: the sender stops computing, for the reason in its payload.
        static let goodbye = Flags(rawValue: 0x04)
        /// Every defined bit.
        static let defined: Flags = [.last, .hello, .goodbye]
    }

    /// The frames (without their length fields) that carry `words` in `session`, each at most
    /// `maximumPayloadWords` words. The words are copied into each frame's buffer in one block.
    static func encode(
        _ words: [UInt64], session: UInt64, flags: Flags = [], allocator: ByteBufferAllocator,
        maximumPayloadWords: Int = MessageFrame.maximumPayloadWords
    ) -> [ByteBuffer] {
        var frames: [ByteBuffer] = []
        frames.reserveCapacity(max(1, (words.count + maximumPayloadWords - 1) / maximumPayloadWords))
        var start = 0
        repeat {
            let end = min(words.count, start + maximumPayloadWords)
            var frame = allocator.buffer(capacity: headerLength + 8 * (end - start))
            frame.writeInteger(session, endianness: .little)
            frame.writeInteger(end == words.count ? flags.union(.last).rawValue : flags.rawValue)
            #if _endian(little)
            words.withUnsafeBytes { bytes in
                _ = frame.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[(8 * start)..<(8 * end)]))
            }
            #else
            for word in words[start..<end] { frame.writeInteger(word, endianness: .little) }
            #endif
            frames.append(frame)
            start = end
        } while start < words.count
        return frames
    }

    /// The bytes that `encode` and the length fields put on the wire for a message of `wordCount`
    /// words (before TLS).
    static func wireLength(wordCount: Int) -> Int {
        let frames = max(1, (wordCount + maximumPayloadWords - 1) / maximumPayloadWords)
        return frames * (lengthFieldLength + headerLength) + 8 * wordCount
    }

    /// Reads the little-endian words of `payloads` (each a whole number of words) into one array,
    /// allocated once.
    static func words(of payloads: [ByteBuffer], byteCount: Int) -> [UInt64] {
        let count = byteCount / 8
        return [UInt64](unsafeUninitializedCapacity: count) { destination, initialized in
            let raw = UnsafeMutableRawBufferPointer(destination)
            var offset = 0
            for payload in payloads {
                let length = min(payload.readableBytes, raw.count - offset)
                payload.withUnsafeReadableBytes { bytes in
                    UnsafeMutableRawBufferPointer(rebasing: raw[offset..<(offset + length)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<length]))
                }
                offset += length
            }
            // Zero whatever the payloads did not cover (only if byteCount overstated them).
            if offset < raw.count { UnsafeMutableRawBufferPointer(rebasing: raw[offset...]).initializeMemory(as: UInt8.self, repeating: 0) }
            #if _endian(big)
            for k in 0..<count { destination[k] = UInt64(littleEndian: destination[k]) }
            #endif
            initialized = count
        }
    }

    /// Adds the frame codec to a pipeline: the length-field decoder (bounded by
    /// ``maximumFrameLength``), the length-field prepender, and the ``MessageFrameDecoder`` that
    /// turns frames into messages. Outbound, write the buffers from ``encode(_:session:flags:allocator:maximumPayloadWords:)``.
    static func addCodec(to pipeline: ChannelPipeline.SynchronousOperations) throws {
        try pipeline.addHandler(
            ByteToMessageHandler(
                BoundedLengthFieldFrameDecoder(maximumFrameLength: maximumFrameLength),
                maximumBufferSize: lengthFieldLength + maximumFrameLength))
        try pipeline.addHandler(LengthFieldPrepender(lengthFieldBitLength: .fourBytes, lengthFieldEndianness: .big))
        try pipeline.addHandler(MessageFrameDecoder())
    }
}

/// Why a peer's bytes could not be read as frames. Every case ends the connection; the peer is
/// then reported as having "sent a malformed frame".
enum FrameError: Error, Equatable, CustomStringConvertible {
    /// The length field announces more than ``MessageFrame/maximumFrameLength`` bytes.
    case tooLong(length: Int)
    /// The length is under the header length or not the header plus whole words.
    case badLength(length: Int)
    /// A reserved flag bit is set.
    case reservedFlags(UInt8)
    /// A hello frame that is not a single frame.
    case fragmentedHello

    var description: String {
        switch self {
        case let .tooLong(length): "a frame of \(length) bytes exceeds the maximum of \(MessageFrame.maximumFrameLength)"
        case let .badLength(length): "a frame of \(length) bytes is not a 9-byte header and whole 8-byte words"
        case let .reservedFlags(flags): "a frame has reserved flag bits set (\(flags))"
        case .fragmentedHello: "a hello frame was split"
        }
    }
}

/// NIOExtras' `LengthFieldBasedFrameDecoder` with a maximum frame length, checked as soon as a
/// length field is readable (so an oversized frame is refused before its bytes arrive).
struct BoundedLengthFieldFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maximumFrameLength: Int
    private let decoder = LengthFieldBasedFrameDecoder(lengthFieldBitLength: .fourBytes, lengthFieldEndianness: .big)
    /// Whether the next bytes are a length field (the wrapped decoder has not consumed it yet).
    private var atLengthField = true

    init(maximumFrameLength: Int) {
        self.maximumFrameLength = maximumFrameLength
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if atLengthField {
            guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
                return .needMoreData
            }
            guard Int(length) <= maximumFrameLength else { throw FrameError.tooLong(length: Int(length)) }
            // The wrapped decoder consumes the length field in this call, whether or not the frame
            // is complete.
            atLengthField = false
        }
        let state = try decoder.decode(context: context, buffer: &buffer)
        if case .continue = state { atLengthField = true }
        return state
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while case .continue = try decode(context: context, buffer: &buffer) {}
        // A partial frame at the end of the stream is dropped: the connection is ending anyway.
        return .needMoreData
    }
}

extension MessageFrame {
    /// The goodbye reason of a party that has finished its part of a computation normally.
    static let finished = "finished"

    /// A goodbye's payload: the reason's UTF-8 byte count, then its bytes, padded with zeros to
    /// whole words (at most 1 KiB of text).
    static func words(fromText text: String) -> [UInt64] {
        let bytes = Array(text.utf8.prefix(1024))
        var words = [UInt64(bytes.count)] + [UInt64](repeating: 0, count: (bytes.count + 7) / 8)
        for (i, byte) in bytes.enumerated() { words[1 + i / 8] |= UInt64(byte) << UInt64(8 * (i % 8)) }
        return words
    }

    /// The text of a goodbye's payload; malformed UTF-8 is repaired, not trusted.
    static func text(fromWords words: [UInt64]) -> String {
        guard let count = words.first.map({ Int(min($0, 1024)) }), words.count >= 1 + (count + 7) / 8 else {
            return "(no reason given)"
        }
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: words[1 + $0 / 8] >> UInt64(8 * ($0 % 8))) }
        return String(decoding: bytes, as: UTF8.self).filter { !$0.isNewline }
    }
}

/// A message or hello decoded from a peer's frames.
enum ReceivedMessage: Equatable, Sendable {
    /// The connection-opening hello and its words.
    case hello([UInt64])
    /// The peer stops computing, for this reason (plain words, never data).
    case goodbye(reason: String)
    /// A whole message in a session.
    case data(session: UInt64, words: [UInt64])
}

/// Turns frames into messages: checks each frame, gathers the chunks of each session's message and
/// emits the message once its last chunk has arrived, reading the words into one allocation.
///
/// On a malformed frame it fires a ``FrameError`` and ignores everything after it.
final class MessageFrameDecoder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ReceivedMessage

    /// The chunks received so far of each session's unfinished message.
    private var partial: [UInt64: (payloads: [ByteBuffer], byteCount: Int)] = [:]
    private var failed = false

    init() {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var frame = unwrapInboundIn(data)
        do {
            if let message = try decode(&frame) { context.fireChannelRead(wrapInboundOut(message)) }
        } catch {
            failed = true
            partial = [:]
            context.fireErrorCaught(error)
        }
    }

    private func decode(_ frame: inout ByteBuffer) throws -> ReceivedMessage? {
        let length = frame.readableBytes
        guard length <= MessageFrame.maximumFrameLength else { throw FrameError.tooLong(length: length) }
        guard length >= MessageFrame.headerLength, (length - MessageFrame.headerLength) % 8 == 0,
            let session = frame.readInteger(endianness: .little, as: UInt64.self),
            let rawFlags = frame.readInteger(as: UInt8.self)
        else { throw FrameError.badLength(length: length) }
        let flags = MessageFrame.Flags(rawValue: rawFlags)
        guard flags.isSubset(of: .defined) else { throw FrameError.reservedFlags(rawFlags) }
        if flags.contains(.hello) {
            guard flags.contains(.last) else { throw FrameError.fragmentedHello }
            return .hello(MessageFrame.words(of: [frame], byteCount: frame.readableBytes))
        }
        if flags.contains(.goodbye) {
            guard flags.contains(.last) else { throw FrameError.fragmentedHello }
            return .goodbye(reason: MessageFrame.text(fromWords: MessageFrame.words(of: [frame], byteCount: frame.readableBytes)))
        }
        if !flags.contains(.last) {
            partial[session, default: ([], 0)].payloads.append(frame)
            partial[session, default: ([], 0)].byteCount += frame.readableBytes
            return nil
        }
        if let earlier = partial.removeValue(forKey: session) {
            let words = MessageFrame.words(of: earlier.payloads + [frame], byteCount: earlier.byteCount + frame.readableBytes)
            return .data(session: session, words: words)
        }
        return .data(session: session, words: MessageFrame.words(of: [frame], byteCount: frame.readableBytes))
    }
}
