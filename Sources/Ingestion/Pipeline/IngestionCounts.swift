/// What happened to the records of a run, a replay or a batch, per feature group.
public struct GroupCounts: Sendable, Hashable, Codable {
  /// Accepted and written to the offline table (and applied online unless stale).
  public var new = 0
  /// Dropped: the same write was already accepted within the dedup window.
  public var duplicate = 0
  /// Accepted offline but not applied online: not greater than the entity's stored write.
  public var stale = 0
  /// Same idempotency key, different content: dead-lettered, the first write stands.
  public var conflict = 0
  /// Already in both stores (a re-read record): written nowhere again.
  public var held = 0

  public init() {}

  static func += (lhs: inout GroupCounts, rhs: GroupCounts) {
    lhs.new += rhs.new
    lhs.duplicate += rhs.duplicate
    lhs.stale += rhs.stale
    lhs.conflict += rhs.conflict
    lhs.held += rhs.held
  }
}

/// Totals over a run: per group, plus the records no group could claim.
public struct IngestionCounts: Sendable, Hashable, Codable {
  public var consumed = 0
  public var groups: [String: GroupCounts] = [:]
  /// Dead letters by reason (decode failures and conflicts).
  public var deadLetters: [String: Int] = [:]
  public var commits = 0

  public init() {}

  public var deadLettered: Int { deadLetters.values.reduce(0, +) }

  mutating func add(_ other: IngestionCounts) {
    consumed += other.consumed
    for (name, counts) in other.groups { groups[name, default: GroupCounts()] += counts }
    for (reason, count) in other.deadLetters { deadLetters[reason, default: 0] += count }
    commits += other.commits
  }
}
