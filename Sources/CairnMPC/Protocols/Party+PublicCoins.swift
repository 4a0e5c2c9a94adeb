/// Public randomness: words that all three parties draw identically, and nobody outside knows.
extension Party {
    /// `count` public random words, the same at every party, from the key common to all three
    /// (drawn by party 0 and sent to the others in ``connect(over:keys:)``; an AES-CTR keystream).
    ///
    /// Use: coefficients of random linear combinations that batch many secret equality tests into
    /// a few (Schwartz–Zippel over Z/2^64), as in the contribution checks of the analytics
    /// module. They are unpredictable to anyone who committed to its inputs before the session
    /// started (a contributor's envelope is fixed before the parties connect), and the three
    /// parties hold them in the clear, which is what a public coin is; an adversary who learns
    /// them before choosing its inputs would defeat such a batch.
    ///
    /// - Cost: no communication; the parties' streams stay in lockstep because all three call it
    ///   with the same `count` at the same point of the protocol.
    public func publicRandomWords(_ count: Int) -> [UInt64] {
        sharedWithAll.words(count)
    }
}
