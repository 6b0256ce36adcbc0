import Foundation
import Logging

extension IngestionCounts {
  /// `consumed 1200 · new 1000 · duplicate 50 · stale 20 · dead letters 7 (conflict 2,
  /// invalid_json 5) · commits 4`: the run's totals, as `run` prints them at the end and
  /// logs them while it runs. `new` counts every accepted write, the stale ones among them.
  public var summaryLine: String {
    let total = groups.values.reduce(into: GroupCounts()) { $0 += $1 }
    var parts = [
      "consumed \(consumed)", "new \(total.new)", "duplicate \(total.duplicate)",
      "stale \(total.stale)", "dead letters \(deadLettered)\(deadLetterBreakdown)",
    ]
    if total.held > 0 { parts.append("already held \(total.held)") }
    if entityPartitionViolations > 0 {
      parts.append("writes from a second partition of their entity \(entityPartitionViolations)")
    }
    parts.append("commits \(commits)")
    return parts.joined(separator: " · ")
  }

  /// ` (conflict 2, invalid_json 5)`: the dead letters by reason code, in code order; empty
  /// when there are none.
  public var deadLetterBreakdown: String {
    guard deadLettered > 0 else { return "" }
    var byCode: [String: Int] = [:]
    for (reason, count) in deadLetters where count > 0 {
      byCode[DeadLetterCode.code(ofReason: reason), default: 0] += count
    }
    return " ("
      + byCode.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      .joined(separator: ", ") + ")"
  }
}

/// What `run` logs on its own while it runs: the totals every `log.summary_interval`, and
/// a warning for a batch that was mostly dead letters.
struct RunLog {
  let logger: Logger
  /// 0: no periodic line.
  let interval: Duration
  private(set) var nextLineAt: ContinuousClock.Instant
  /// The greatest freshness of a commit since the last line, in milliseconds.
  private var freshnessMaxMillis: Int64?

  /// A batch with fewer dead letters than this is never warned about: in a caught-up
  /// trickle each batch holds a record or two, and one bad record would be "most of" it.
  /// The periodic line still counts those.
  static let warnMinimumDeadLetters = 10

  init(logger: Logger, intervalMillis: Int64) {
    self.logger = logger
    interval = .milliseconds(intervalMillis)
    nextLineAt = .now + interval
  }

  /// A commit's freshness: from its newest record's Kafka timestamp until visible online.
  mutating func committed(freshnessMillis: Int64) {
    freshnessMaxMillis = max(freshnessMaxMillis ?? freshnessMillis, freshnessMillis)
  }

  var isDue: Bool { interval > .zero && ContinuousClock.now >= nextLineAt }

  /// Logs the totals line (when `isDue`); `lag` is `lag 12` or why it is unknown.
  mutating func line(totals: IngestionCounts, lag: String) {
    nextLineAt = .now + interval
    let freshness =
      freshnessMaxMillis.map { "freshness max " + Self.seconds(millis: $0) }
      ?? "no commit since the last line"
    freshnessMaxMillis = nil
    logger.info("running: \(totals.summaryLine) · \(lag) · \(freshness)")
  }

  /// Warns when more than half of a committed batch's records were dead letters (and at
  /// least `warnMinimumDeadLetters`): a producer sending what the config does not take.
  func checkDeadLetters(of batch: IngestionCounts) {
    let dead = batch.deadLettered
    guard dead >= Self.warnMinimumDeadLetters, dead * 2 > batch.consumed else { return }
    logger.warning(
      """
      most of a batch was dead-lettered: \(dead) of \(batch.consumed) records\
      \(batch.deadLetterBreakdown) — check what the producers send against the feature \
      groups; `idemstream dead-letters` shows each record and its reason
      """)
  }

  /// `0.215 s`.
  static func seconds(millis: Int64) -> String {
    String(format: "%.3f s", Double(millis) / 1000)
  }
}
