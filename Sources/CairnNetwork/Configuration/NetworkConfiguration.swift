import CairnMPC

/// Everything a party needs to connect to its two peers: the in-memory form of a party's
/// configuration file, with key and certificates already read.
///
/// Certificates are pinned: a peer is accepted only if it presents exactly the certificate
/// configured for it, and it is identified by that certificate.
public struct NetworkConfiguration: Sendable {
    /// A peer party: where to reach it and the certificate it must present.
    public struct Peer: Sendable, Equatable {
        public var party: PartyIndex
        public var host: String
        public var port: Int
        /// The peer's certificate in PEM form, pinned.
        public var certificatePEM: String

        public init(party: PartyIndex, host: String, port: Int, certificatePEM: String) {
            self.party = party
            self.host = host
            self.port = port
            self.certificatePEM = certificatePEM
        }
    }

    /// This party.
    public var party: PartyIndex
    /// The address to listen on for the peers' connections.
    public var listenHost: String
    public var listenPort: Int
    /// This party's certificate (PEM), presented to the peers.
    public var certificatePEM: String
    /// This party's private key (PEM). Never logged or printed.
    public var privateKeyPEM: String
    /// The two other parties.
    public var peers: [Peer]
    /// How long to keep trying to connect to peers that are not up yet.
    public var connectTimeout: Duration
    /// How long a receive waits for a peer's message before the computation is aborted.
    public var receiveTimeout: Duration
    /// How long an accepted connection may take to complete its TLS handshake and hello; a
    /// connection that does not (a stranger that connects and sends nothing) is dropped, so that
    /// such connections cannot pile up on the listener.
    public var handshakeTimeout: Duration

    public init(
        party: PartyIndex, listenHost: String, listenPort: Int, certificatePEM: String, privateKeyPEM: String,
        peers: [Peer], connectTimeout: Duration = .seconds(60), receiveTimeout: Duration = .seconds(30),
        handshakeTimeout: Duration = .seconds(10)
    ) {
        self.handshakeTimeout = handshakeTimeout
        self.party = party
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.peers = peers
        self.connectTimeout = connectTimeout
        self.receiveTimeout = receiveTimeout
    }
}

extension NetworkConfiguration: CustomStringConvertible {
    /// Leaves the private key out.
    public var description: String {
        "NetworkConfiguration(\(party), listening on \(listenHost):\(listenPort), peers: "
            + peers.map { "\($0.party) at \($0.host):\($0.port)" }.joined(separator: ", ") + ")"
    }
}

extension NetworkConfiguration {
    /// Whether `peers` are the peers `party` needs: the two others, once each; or, for a
    /// two-party study (parties 1 and 2 only), the other one.
    public static func isValidPeerSet(party: PartyIndex, peers: [PartyIndex]) -> Bool {
        let others = Set(PartyIndex.all.filter { $0 != party })
        if peers.count == 2 { return Set(peers) == others }
        return peers.count == 1 && Set([party, peers[0]]) == [.zero, .one]
    }
}
