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

  public static func += (lhs: inout GroupCounts, rhs: GroupCounts) {
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
  /// Writes of an entity whose greatest write came from another partition.
  public var entityPartitionViolations = 0
  /// Time spent per stage, in nanoseconds: kafka (polling), decode, dedup (deciding and
  /// laying out rows), offline and online (the two commits).
  public var stageNanoseconds: [String: Int64] = [:]
  /// Wall-clock epoch milliseconds of the first record taken and of the last commit.
  public var firstRecordAtMillis: Int64?
  public var lastCommitAtMillis: Int64?
  /// Milliseconds from process start until the stores were open and the consumer ready.
  public var startupMillis: Int64?
  /// Freshness samples summarised (record timestamp to visible online), when measured.
  public var freshness: FreshnessSummary?
  /// With freshness: record timestamp to taken from the consumer (producer linger, broker
  /// and fetch), the part of freshness before idemstream sees the record.
  public var delivery: FreshnessSummary?

  public init() {}

  /// `run --json`'s names: snake_case, as in every `--json` document (docs/reference.md).
  enum CodingKeys: String, CodingKey {
    case consumed, groups, commits, freshness, delivery
    case deadLetters = "dead_letters"
    case entityPartitionViolations = "entity_partition_violations"
    case stageNanoseconds = "stage_nanoseconds"
    case firstRecordAtMillis = "first_record_at_millis"
    case lastCommitAtMillis = "last_commit_at_millis"
    case startupMillis = "startup_millis"
  }

  /// Every field under its `CodingKeys` name, with `dead_letters` keyed by reason code
  /// (`invalid_json`), as the totals line and the metrics count them, rather than by the
  /// reason's text; decoding the document gives counts keyed by code.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(consumed, forKey: .consumed)
    try container.encode(groups, forKey: .groups)
    var byCode: [String: Int] = [:]
    for (reason, count) in deadLetters {
      byCode[DeadLetterCode.code(ofReason: reason), default: 0] += count
    }
    try container.encode(byCode, forKey: .deadLetters)
    try container.encode(commits, forKey: .commits)
    try container.encode(entityPartitionViolations, forKey: .entityPartitionViolations)
    try container.encode(stageNanoseconds, forKey: .stageNanoseconds)
    try container.encodeIfPresent(firstRecordAtMillis, forKey: .firstRecordAtMillis)
    try container.encodeIfPresent(lastCommitAtMillis, forKey: .lastCommitAtMillis)
    try container.encodeIfPresent(startupMillis, forKey: .startupMillis)
    try container.encodeIfPresent(freshness, forKey: .freshness)
    try container.encodeIfPresent(delivery, forKey: .delivery)
  }

  public var deadLettered: Int { deadLetters.values.reduce(0, +) }

  mutating func add(_ other: IngestionCounts) {
    consumed += other.consumed
    for (name, counts) in other.groups { groups[name, default: GroupCounts()] += counts }
    for (reason, count) in other.deadLetters { deadLetters[reason, default: 0] += count }
    commits += other.commits
    entityPartitionViolations += other.entityPartitionViolations
    for (stage, nanos) in other.stageNanoseconds { stageNanoseconds[stage, default: 0] += nanos }
  }

  mutating func addStage(_ stage: String, since start: ContinuousClock.Instant) {
    addStage(stage, ContinuousClock.now - start)
  }

  mutating func addStage(_ stage: String, _ duration: Duration) {
    stageNanoseconds[stage, default: 0] += Self.nanoseconds(duration)
  }

  static func nanoseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
  }
}

/// Percentiles of freshness: how long after its timestamp a record was visible online.
public struct FreshnessSummary: Sendable, Hashable, Codable {
  public var samples: Int
  public var p50Millis: Int64
  public var p99Millis: Int64
  public var maxMillis: Int64

  enum CodingKeys: String, CodingKey {
    case samples
    case p50Millis = "p50_millis"
    case p99Millis = "p99_millis"
    case maxMillis = "max_millis"
  }

  init?(samples values: [Int64]) {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    samples = sorted.count
    p50Millis = sorted[sorted.count / 2]
    p99Millis = sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
    maxMillis = sorted[sorted.count - 1]
  }
}
