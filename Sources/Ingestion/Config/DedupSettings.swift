/// The `dedup:` section.
public struct DedupSettings: Sendable, Hashable {
  /// How long an accepted write is remembered, in milliseconds of its partition's log clock
  /// (`window: 7d`).
  public var windowMillis: Int64
  /// How far one record may move its partition's log clock forward (`max_clock_step: 1h`):
  /// one record stamped years ahead by a broken producer clock moves the clock by this
  /// much, not by years, so it cannot make the partition forget every write at once.
  public var maxClockStepMillis: Int64
  /// Commits between two prunes of the dedup index (`prune_interval: 100`). Pruning only
  /// drops what no later decision can use, so this bounds memory and never changes an
  /// outcome.
  public var pruneIntervalCommits: Int

  public static let defaultWindowMillis: Int64 = 7 * 24 * 3600 * 1000
  public static let defaultMaxClockStepMillis: Int64 = 3600 * 1000
  public static let defaultPruneIntervalCommits = 100

  public init(
    windowMillis: Int64 = DedupSettings.defaultWindowMillis,
    maxClockStepMillis: Int64 = DedupSettings.defaultMaxClockStepMillis,
    pruneIntervalCommits: Int = DedupSettings.defaultPruneIntervalCommits
  ) {
    self.windowMillis = windowMillis
    self.maxClockStepMillis = maxClockStepMillis
    self.pruneIntervalCommits = pruneIntervalCommits
  }

  /// The window as a `Duration`.
  public var window: Duration { .milliseconds(windowMillis) }
}

/// The `validation:` section: checks a decoded write must pass before it is decided on.
public struct ValidationSettings: Sendable, Hashable {
  /// How far an `event_time` may run ahead of its record's Kafka timestamp, in milliseconds
  /// (`max_event_time_ahead: 1d`); a write further ahead is dead-lettered. 0 turns the check
  /// off. Measured against the record's own timestamp, not the wall clock, so that a replay
  /// a year later decides the same.
  public var maxEventTimeAheadMillis: Int64

  public static let defaultMaxEventTimeAheadMillis: Int64 = 24 * 3600 * 1000

  public init(maxEventTimeAheadMillis: Int64 = ValidationSettings.defaultMaxEventTimeAheadMillis) {
    self.maxEventTimeAheadMillis = maxEventTimeAheadMillis
  }

  /// Whether a write at `eventTimeMillis`, carried by a record stamped `timestampMillis`
  /// (nil: the record has none), runs further ahead than allowed.
  @inline(__always)
  public func isTooFarAhead(eventTimeMillis: Int64, timestampMillis: Int64?) -> Bool {
    guard maxEventTimeAheadMillis > 0, let timestampMillis, timestampMillis >= 0 else {
      return false
    }
    let (ahead, overflow) = eventTimeMillis.subtractingReportingOverflow(timestampMillis)
    return overflow ? eventTimeMillis > 0 : ahead > maxEventTimeAheadMillis
  }
}
