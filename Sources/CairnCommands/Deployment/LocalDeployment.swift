import CairnNetwork
import CairnStudy
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Three compute parties' keys, certificates and configuration files in one folder, all on this
/// machine's loopback interface: what `cairn bench mpc --transport tcp` and the multi-process
/// tests start parties from.
public struct LocalDeployment: Sendable {
    /// The folder holding the files.
    public let folder: URL
    /// The configuration file of each party, in party order.
    public let configurationPaths: [String]
    /// Each party's submission public key (base64), in party order: what a study definition lists.
    public let submissionKeys: [String]
    /// Each party's `host:port`, in party order.
    public let addresses: [String]

    /// Creates fresh identities and configuration files in `folder`, with free loopback ports,
    /// for three parties, or for the two of a two-party study.
    public static func create(
        in folder: URL, parties count: Int = 3, receiveTimeoutSeconds: Double = 30, connectTimeoutSeconds: Double = 30
    ) throws -> LocalDeployment {
        precondition(count == 2 || count == 3)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ports = try FreePorts.find(count)
        var paths: [String] = [], submissionKeys: [String] = []
        for party in 1...count {
            let submissionKey = SubmissionPrivateKey.generate()
            try PartyFiles.writePrivate(submissionKey.pem, to: folder.appendingPathComponent("party\(party).submission.pem"))
            submissionKeys.append(submissionKey.publicKey.base64)
            let identity = try PartyIdentity.generate(name: "Cairn local party \(party)")
            try PartyFiles.writePrivate(identity.privateKeyPEM, to: folder.appendingPathComponent("party\(party).key.pem"))
            try identity.certificatePEM.write(
                to: folder.appendingPathComponent("party\(party).cert.pem"), atomically: true, encoding: .utf8)
        }
        for party in 1...count {
            let configuration = PartyConfiguration(
                party: party, listen: "127.0.0.1:\(ports[party - 1])",
                certificate: "party\(party).cert.pem", privateKey: "party\(party).key.pem",
                peers: (1...count).filter { $0 != party }.map {
                    .init(party: $0, address: "127.0.0.1:\(ports[$0 - 1])", certificate: "party\($0).cert.pem")
                },
                connectTimeoutSeconds: connectTimeoutSeconds, receiveTimeoutSeconds: receiveTimeoutSeconds,
                submissionKey: "party\(party).submission.pem")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let path = folder.appendingPathComponent("party\(party).json")
            try encoder.encode(configuration).write(to: path)
            paths.append(path.path)
        }
        return LocalDeployment(
            folder: folder, configurationPaths: paths, submissionKeys: submissionKeys,
            addresses: ports.map { "127.0.0.1:\($0)" })
    }

    /// `template` with this deployment's parties: their loopback addresses and submission keys,
    /// in the order the template lists its parties.
    public func studyDefinition(from template: StudyDefinition) -> StudyDefinition {
        var definition = template
        for k in definition.computeParties.indices where k < addresses.count {
            definition.computeParties[k].address = addresses[k]
            definition.computeParties[k].submissionKey = submissionKeys[k]
        }
        return definition
    }
}

/// Ports on the loopback interface that nothing listens on now.
enum FreePorts {
    /// Asks the kernel for `count` distinct free ports (bind to port 0, read the port, close).
    static func find(_ count: Int) throws -> [Int] {
        var ports: [Int] = []
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        while ports.count < count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw POSIXError(.EMFILE) }
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
                }
            }
            guard bound else { throw POSIXError(.EADDRINUSE) }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}
