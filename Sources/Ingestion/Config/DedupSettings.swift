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
