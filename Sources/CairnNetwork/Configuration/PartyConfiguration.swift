import CairnMPC
import Foundation

/// A compute party's configuration file: who it is, where it listens, its key and certificate, and
/// for each of the two other parties where to reach it and which certificate it must present.
///
/// ```json
/// {
///   "party": 1,
///   "listen": "0.0.0.0:7101",
///   "certificate": "party1.cert.pem",
///   "privateKey": "party1.key.pem",
///   "peers": [
///     { "party": 2, "address": "analyst.example.org:7102", "certificate": "party2.cert.pem" },
///     { "party": 3, "address": "cairn.bu.edu:7103", "certificate": "party3.cert.pem" }
///   ],
///   "connectTimeoutSeconds": 60,
///   "receiveTimeoutSeconds": 30,
///   "submissionKey": "party1.submission.pem"
/// }
/// ```
///
/// Parties are numbered 1, 2, 3, as people count them. Relative paths are read from the folder
/// the configuration file is in. The timeouts are optional. `submissionKey`, the private key
/// contributors encrypt this party's shares to, is needed only to compute studies (`cairn compute`).
public struct PartyConfiguration: Codable, Sendable, Equatable {
    public struct Peer: Codable, Sendable, Equatable {
        public var party: Int
        public var address: String
        public var certificate: String

        public init(party: Int, address: String, certificate: String) {
            self.party = party
            self.address = address
            self.certificate = certificate
        }
    }

    public var party: Int
    public var listen: String
    public var certificate: String
    public var privateKey: String
    public var peers: [Peer]
    public var connectTimeoutSeconds: Double?
    public var receiveTimeoutSeconds: Double?
    public var submissionKey: String?

    public init(
        party: Int, listen: String, certificate: String, privateKey: String, peers: [Peer],
        connectTimeoutSeconds: Double? = nil, receiveTimeoutSeconds: Double? = nil, submissionKey: String? = nil
    ) {
        self.party = party
        self.listen = listen
        self.certificate = certificate
        self.privateKey = privateKey
        self.peers = peers
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.receiveTimeoutSeconds = receiveTimeoutSeconds
        self.submissionKey = submissionKey
    }

    /// Reads and checks a configuration file, and the key and certificates it names.
    public static func load(from path: String) throws -> NetworkConfiguration {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ConfigurationError(file: path, problem: "cannot be read (\(error.localizedDescription))")
        }
        let configuration: PartyConfiguration
        do { configuration = try JSONDecoder().decode(PartyConfiguration.self, from: data) } catch let error as DecodingError {
            throw ConfigurationError(file: path, problem: "is not a valid party configuration: \(error.plainDescription)")
        }
        return try configuration.resolved(relativeTo: url.deletingLastPathComponent(), file: path)
    }

    /// Checks the configuration and reads the files it names, relative to `folder`.
    public func resolved(relativeTo folder: URL, file: String = "the configuration") throws -> NetworkConfiguration {
        func fail(_ problem: String) -> ConfigurationError { ConfigurationError(file: file, problem: problem) }
        guard let me = PartyIndex(rawValue: party - 1) else {
            throw fail("says \"party\": \(party), but parties are numbered 1, 2 and 3")
        }
        let expected = Set(PartyIndex.all.filter { $0 != me }.map { $0.rawValue + 1 })
        let listed = peers.compactMap { PartyIndex(rawValue: $0.party - 1) }
        guard listed.count == peers.count, NetworkConfiguration.isValidPeerSet(party: me, peers: listed) else {
            throw fail(
                "must list exactly the two other parties (\(expected.sorted().map(String.init).joined(separator: " and "))) "
                    + "under \"peers\" (in a two-party study, parties 1 and 2 each list only the other)")
        }
        func read(_ name: String, what: String) throws -> String {
            let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : folder.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw fail("names \(what) \(url.path), which cannot be read")
            }
            return text
        }
        guard (connectTimeoutSeconds ?? 1) > 0, (receiveTimeoutSeconds ?? 1) > 0 else {
            throw fail("has a timeout that is not a positive number of seconds")
        }
        let (listenHost, listenPort) = try Self.hostAndPort(listen, field: "listen", fail: fail)
        return NetworkConfiguration(
            party: me, listenHost: listenHost, listenPort: listenPort,
            certificatePEM: try read(certificate, what: "the certificate"),
            privateKeyPEM: try read(privateKey, what: "the private key"),
            peers: try peers.sorted { $0.party < $1.party }.map { peer in
                let (host, port) = try Self.hostAndPort(peer.address, field: "the address of party \(peer.party)", fail: fail)
                return NetworkConfiguration.Peer(
                    party: PartyIndex(rawValue: peer.party - 1)!, host: host, port: port,
                    certificatePEM: try read(peer.certificate, what: "the certificate of party \(peer.party)"))
            },
            connectTimeout: .seconds(connectTimeoutSeconds ?? 60),
            receiveTimeout: .seconds(receiveTimeoutSeconds ?? 30))
    }

    /// Splits `host:port` (IPv6 hosts in brackets: `[::1]:7101`).
    static func hostAndPort(
        _ address: String, field: String, fail: (String) -> ConfigurationError
    ) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw fail("has \(field) \"\(address)\", which is not host:port (for example 127.0.0.1:7101)")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw fail("has \(field) \"\(address)\" with no host") }
        return (host, port)
    }
}

/// A configuration file that cannot be used, and why, in words an operator can act on.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var problem: String
    public var description: String { "\(file) \(problem)" }
}

extension DecodingError {
    /// "missing field \"listen\"" rather than Swift's debug description.
    var plainDescription: String {
        func path(_ context: Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch self {
        case let .keyNotFound(key, context):
            let at = path(context)
            return "missing field \"\(key.stringValue)\"" + (at.isEmpty ? "" : " in \(at)")
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return "field \"\(path(context))\" has the wrong kind of value"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "not valid JSON" : "field \"\(path(context))\" is invalid"
        @unknown default:
            return "unreadable"
        }
    }
}
