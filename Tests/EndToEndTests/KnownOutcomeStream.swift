import Foundation
import TestSupport
import XCTest

/// A few records whose every outcome is known: 20 writes of user_stats to 20 entities, 3 of
/// them re-sent (duplicates), 1 conflict (an accepted write's idempotency key with other
/// values), and 4 records no group can take, one per reason. What the metrics and the run's
/// log lines must count.
enum KnownOutcomeStream {
  static let writes = (0..<20).map { index in
    #"{"feature_group":"user_stats","key":{"user_id":"u\#(index)"},"event_time":"#
      + #"\#(1_767_225_600_000 + index),"values":{"clicks":\#(index)},"#
      + #""idempotency_key":"w-\#(index)"}"#
  }
  static let conflict =
    #"{"feature_group":"user_stats","key":{"user_id":"u3"},"event_time":1767225600003,"#
    + #""values":{"clicks":999},"idempotency_key":"w-3"}"#
  /// One record per reason code: invalid_json, not_an_object, wrong_type,
  /// unknown_feature_group.
  static let undecodable = [
    #"{"feature_group":"#,
    "[1,2,3]",
    #"{"feature_group":"user_stats","key":{"user_id":"u1"},"event_time":1,"values":{"clicks":"many"}}"#,
    #"{"feature_group":"nope","key":{"user_id":"u1"},"event_time":1,"values":{}}"#,
  ]
  static let lines = writes + writes.prefix(3) + [conflict] + undecodable

  static let consumed = 28
  static let deadLetters = [
    "conflict": 1, "invalid_json": 1, "not_an_object": 1, "unknown_feature_group": 1,
    "wrong_type": 1,
  ]
  /// `IngestionCounts.summaryLine` for the whole stream, up to the commit count (which
  /// depends on how the records were batched).
  static let totalsBeforeCommits =
    "consumed 28 · new 20 · duplicate 3 · stale 0 · dead letters 5 (conflict 1, invalid_json 1, "
    + "not_an_object 1, unknown_feature_group 1, wrong_type 1)"
}

/// An embedded broker with `lines` produced to its topic and a config for a fresh data dir.
final class KnownOutcomeFixture {
  let broker: EmbeddedBrokerProcess
  let directory: TemporaryDirectory
  let config: String
  var dataDir: String { directory.url.appendingPathComponent("data").path }

  /// `extraConfig` is appended to the config (e.g. a `log:` section).
  init(
    lines: [String] = KnownOutcomeStream.lines, partitions: Int = 2, extraConfig: String = ""
  ) throws {
    broker = try EmbeddedBrokerProcess(partitions: partitions)
    directory = try TemporaryDirectory("idemstream-known")
    config = directory.url.appendingPathComponent("known.yaml").path
    try
      (Workload.config(
        bootstrap: broker.bootstrap, topic: "features", dataDir: dataDir, groupID: "known")
      + "\n" + extraConfig).write(toFile: config, atomically: true, encoding: .utf8)
    let produced = try Idemstream.run(
      ["produce", "--bootstrap", broker.bootstrap, "--topic", "features"],
      stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
    XCTAssertEqual(produced.status, 0, produced.stderr)
  }

  func tearDown() {
    broker.stop()
    directory.remove()
  }
}

/// Log lines as `StreamLogHandler` writes them, without the timestamp that starts each.
enum LogLines {
  static func untimed(_ text: String) -> [String] {
    text.split(separator: "\n").map { line in
      line.firstIndex(of: " ").map { String(line[line.index(after: $0)...]) } ?? String(line)
    }
  }

  /// Whether `line` matches `pattern` as a whole.
  static func matches(_ line: String, _ pattern: String) -> Bool {
    line.range(of: "^" + pattern + "$", options: .regularExpression) != nil
  }

  /// `pattern`'s first capture group in `line`, when it matches as a whole.
  static func capture(_ line: String, _ pattern: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: "^" + pattern + "$"),
      let match = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
      match.numberOfRanges > 1, let range = Range(match.range(at: 1), in: line)
    else { return nil }
    return String(line[range])
  }

  /// `text` with the regular-expression metacharacters escaped.
  static func literal(_ text: String) -> String { NSRegularExpression.escapedPattern(for: text) }
}
