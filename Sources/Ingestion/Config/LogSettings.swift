/// The `log:` section: what `run` says on its own while it runs.
public struct LogSettings: Sendable, Hashable {
  /// How often `run` logs an info line with its totals, lag and freshness
  /// (`summary_interval: 1m`); 0 turns the line off.
  public var summaryIntervalMillis: Int64

  public static let defaultSummaryIntervalMillis: Int64 = 60_000

  public init(summaryIntervalMillis: Int64 = LogSettings.defaultSummaryIntervalMillis) {
    self.summaryIntervalMillis = summaryIntervalMillis
  }
}
