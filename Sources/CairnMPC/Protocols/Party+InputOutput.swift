/// Getting secrets into and out of replicated sharing.
extension Party {
    /// Shares the values that `owner` holds; the other parties pass `nil` and learn nothing.
    ///
    /// The owner takes `v_p` and `v_{p+1}` from the keys it shares with each neighbour, and sends
    /// `v_{p−1} = v − v_p − v_{p+1}` to both: each neighbour then holds two components, one of them
    /// pseudorandom to it (Araki et al., CCS 2016, §2.4).
    ///
    /// - Cost: 1 round; the owner sends 2 words per element, the others send nothing.
    public func share<Scheme: SharingScheme>(
        _ values: [UInt64]?, from owner: PartyIndex, count: Int, as _: Scheme.Type = Arithmetic.self
    ) async throws -> Shared<Scheme> {
        switch index {
        case owner:
            guard let values, values.count == count else {
                throw MPCError.invalidArgument("the owner of an input must pass exactly \(count) values")
            }
            let own = sharedWithPrevious.words(count)  // v_p, known to p − 1
            let next = sharedWithNext.words(count)  // v_{p+1}, known to p + 1
            let last = Elementwise.map(values, own, next) { Scheme.remove($2, from: Scheme.remove($1, from: $0)) }
            try await send(last, to: index.previous)
            try await send(last, to: index.next)
            return Shared(party: index, first: own, second: next)
        case owner.next:
            let mine = sharedWithPrevious.words(count)  // v_{p+1}
            let last = try await receive(from: owner, count: count)
            return Shared(party: index, first: mine, second: last)
        default:
            let theirs = sharedWithNext.words(count)  // v_p
            let last = try await receive(from: owner, count: count)
            return Shared(party: index, first: last, second: theirs)
        }
    }

    /// Turns additive 3-out-of-3 shares (one vector per party, as contributors submit them) into
    /// replicated sharing: each party passes its own additive share of the same secrets.
    ///
    /// Party `i` sends its share `s_i` to party `i − 1`, which then holds `(s_{i−1}, s_i)`. Because
    /// the contributor drew the shares uniformly, one party seeing two of them learns nothing.
    ///
    /// - Cost: 1 round, 1 word per element sent by each party.
    public func fromAdditiveShares(_ mine: [UInt64]) async throws -> ArithmeticShared {
        try await send(mine, to: index.previous)
        let fromNext = try await receive(from: index.next, count: mine.count)
        return Shared(party: index, first: mine, second: fromNext)
    }

    /// Reveals the secrets to all three parties.
    ///
    /// Each party sends `x_i` to party `i + 1`, which was missing exactly that component.
    ///
    /// - Cost: 1 round, 1 word per element sent by each party.
    public func reveal<Scheme: SharingScheme>(_ x: Shared<Scheme>) async throws -> [UInt64] {
        try await send(x.first, to: index.next)
        let missing = try await receive(from: index.previous, count: x.count)
        return Elementwise.map(x.first, x.second, missing) { Scheme.combine(Scheme.combine($0, $1), $2) }
    }

    /// Reveals the secrets to `recipient` only; the other parties get `nil` and learn nothing.
    ///
    /// - Cost: 1 round; party `recipient − 1` sends 1 word per element, the others nothing.
    public func reveal<Scheme: SharingScheme>(_ x: Shared<Scheme>, to recipient: PartyIndex) async throws -> [UInt64]? {
        if index == recipient.previous {
            try await send(x.first, to: recipient)
            return nil
        }
        guard index == recipient else { return nil }
        let missing = try await receive(from: index.previous, count: x.count)
        return Elementwise.map(x.first, x.second, missing) { Scheme.combine(Scheme.combine($0, $1), $2) }
    }

    /// Completes a multiplication-like step. Each party holds a 3-out-of-3 sharing `z_i` of each
    /// product, already masked with a fresh zero-sharing (``maskedWithZeroSharing(_:count:_:)``);
    /// it sends `z_i` to party `i − 1` and receives `z_{i+1}` from party `i + 1`, which
    /// re-establishes 2-out-of-3 replication (Araki et al., CCS 2016, §2.3).
    ///
    /// - Cost: 1 round, 1 word per element sent by each party.
    func reshare<Scheme: SharingScheme>(masked: [UInt64], as _: Scheme.Type) async throws -> Shared<Scheme> {
        try await send(masked, to: index.previous)
        let fromNext = try await receive(from: index.next, count: masked.count)
        return Shared(party: index, first: masked, second: fromNext)
    }

    /// Masks local 3-out-of-3 shares with a zero-sharing and reshares them.
    func reshare<Scheme: SharingScheme>(_ local: [UInt64], as scheme: Scheme.Type) async throws -> Shared<Scheme> {
        let masked = local.withUnsafeBufferPointer { local in
            maskedWithZeroSharing(scheme, count: local.count) { local[$0] }
        }
        return try await reshare(masked: masked, as: scheme)
    }
}
