/// The `dedup:` section.
public struct DedupSettings: Sendable, Hashable {
  /// How long an idempotency key is remembered, in milliseconds of event time (`window: 7d`).
  public var windowMillis: Int64

  public static let defaultWindowMillis: Int64 = 7 * 24 * 3600 * 1000

  public init(windowMillis: Int64 = DedupSettings.defaultWindowMillis) {
    self.windowMillis = windowMillis
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
