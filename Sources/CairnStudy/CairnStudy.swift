/// Studies: what an analyst declares (``StudyDefinition``) and what a contributor sends (a
/// submission: additive shares of the study's cells, one per compute party, each encrypted to its
/// party with HPKE).
///
/// This module knows nothing of HTTP, storage or the network: the study service translates
/// requests into these types, and the compute parties decrypt and compute with them.
public enum CairnStudy {}
