import CairnMPC
import CairnStudy

/// A study with two compute parties, the service provider and the analyst, as Boston's Web-MPC
/// deployment ran: only statistics that are sums of the contributors' values (counts, sums, means,
/// means per employee), grouped by cohorts that participation links assign in the clear.
/// `StudyDefinition`'s validation refuses anything else for two parties.
///
/// Protocol: two-party additive secret sharing over Z/2^64, as in Web-MPC (Lapets et al.,
/// "Accessible Privacy-Preserving Web-Based Data Analysis for Assessing and Addressing Economic
/// Inequalities", COMPASS 2018, §4) and Prio's aggregation of additive shares (Corrigan-Gibbs and
/// Boneh, NSDI 2017, §3): each party adds up its own shares per cell and group, locally; the party
/// that is not the recipient sends its totals to the recipient, who adds the two. Each total on its
/// own is uniformly random, so the sender learns nothing and the recipient learns only the totals.
///
/// Not checked: with two parties, contributions are *not* checked against the study's rules
/// (``ContributionValidation`` needs sign bits and zero tests, which take a third party in
/// replicated sharing). A contributor who crafts its envelope can count as several contributors
/// or add any amount to a sum, and ``StudyResults/leftOut`` stays `nil`; use three compute
/// parties when contributors are not trusted to run the page or `cairn submit` unmodified.
///
/// - Cost: 1 round; the non-recipient sends `3 · cells · groups` words (counts, sums and the
///   headcount sums), the recipient sends nothing.
public struct TwoPartyStudyComputation: Sendable {
    public let definition: StudyDefinition
    let base: StudyComputation

    public init(definition: StudyDefinition) {
        self.definition = definition
        base = StudyComputation(definition: definition)
    }

    /// Runs on both parties. `shares` holds this party's additive shares of the contributors'
    /// cell vectors one after another; `groups[r]` lists the cohort options (by position among all
    /// options, as ``CellLayout`` orders them) contributor `r` belongs to, which both parties know.
    /// Returns the results at `recipient`, `nil` at the other party.
    public func run(
        over transport: some Transport, shares: [UInt64], groups: [[Int]], recipient: PartyIndex
    ) async throws -> StudyResults? {
        let layout = base.layout
        let length = layout.vectorLength, cells = layout.cellCount, options = layout.cohortIndicatorCount
        let width = options + 1  // each option, then all contributors
        guard shares.count == groups.count * length else {
            throw MPCError.invalidArgument("the shares are not one cell vector of \(length) elements per contributor")
        }
        guard base.plan.marginCells.isEmpty else {
            throw MPCError.invalidArgument("margins need a third compute party: a margin counts the contributors who filled in any of its cells")
        }
        guard groups.allSatisfy({ $0.allSatisfy { (0..<options).contains($0) } }) else {
            throw MPCError.invalidArgument("a contributor's cohort group is outside the study's \(options) options")
        }
        var totals = [UInt64](repeating: 0, count: 2 * cells * width)  // counts, then sums
        for (r, memberships) in groups.enumerated() {
            let vector = shares[r * length..<(r + 1) * length]
            let base = vector.startIndex
            for g in memberships + [options] {
                for c in 0..<cells {
                    totals[c * width + g] &+= vector[base + cells + c]
                    totals[cells * width + c * width + g] &+= vector[base + c]
                }
            }
        }
        let other = PartyIndex.all.first { $0 != transport.party && ($0 == .zero || $0 == .one) }!
        if transport.party != recipient {
            try await transport.send(totals, to: recipient)
            return nil
        }
        let received = try await transport.receive(from: other)
        guard received.count == totals.count else {
            throw MPCError.peerUnavailable(other, reason: "sent \(received.count) totals where \(totals.count) were expected")
        }
        for k in totals.indices { totals[k] &+= received[k] }

        // The recipient's assembly, as in the three-party computation: no suppression, no
        // squares and no margins (a two-party study may ask for none of them).
        let size = cells * width
        let sums = Array(totals[size...]).map { Int64(bitPattern: $0) }
        let counts = totals[0..<size].map { Int64(bitPattern: $0) }
        var headcounts: [Int64] = []
        for (c, cell) in base.plan.cells.enumerated() {
            for g in 0..<width { headcounts.append(sums[(cell.headcount ?? c) * width + g]) }
        }
        let opened = OpenedTotals(
            counts: counts, sums: sums, headcounts: headcounts,
            nonzero: [Int64?](repeating: nil, count: size), squares: [Int128?](repeating: nil, count: size))
        return base.results(flags: [Bool](repeating: false, count: size), totals: opened, groups: width)
    }
}
