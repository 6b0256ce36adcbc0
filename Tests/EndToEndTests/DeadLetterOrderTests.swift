import Foundation
import TestSupport
import XCTest

/// Dead-letter reasons and the order of what the tools list (issue 17): a record that is
/// JSON `null` is `null_value` and one that is not JSON at all (`nul{`) `invalid_json`; the
/// dead-letter listing and verify's examples come in a stated order, the same every time.
final class DeadLetterOrderTests: XCTestCase {
  /// Each record's error, by offset, from `dead-letters --json`.
  static func errors(_ config: String) throws -> (byReason: [String: Int], errors: [Int: String]) {
    let listed = try Idemstream.run(["dead-letters", "--config", config, "--json"])
    XCTAssertEqual(listed.status, 0, listed.stderr)
    let report = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
    var errors: [Int: String] = [:]
    for letter in report["latest"] as? [[String: Any]] ?? [] {
      errors[letter["offset"] as? Int ?? -1] = letter["error"] as? String
    }
    return (report["by_reason"] as? [String: Int] ?? [:], errors)
  }

  func testJSONNullAndTextThatIsNotJSONAreToldApart() throws {
    let lines = ["null", "nul{", " null ", "nullx", "[1]", "hello"]
    let fixture = try KnownOutcomeFixture(lines: lines, partitions: 1)
    defer { fixture.tearDown() }
    let run = try Idemstream.run(["run", "--config", fixture.config, "--stop-at-end"])
    XCTAssertEqual(run.status, 0, run.stderr)
    XCTAssertTrue(
      run.stdout.hasPrefix(
        "consumed 6 · new 0 · duplicate 0 · stale 0 · dead letters 6 (invalid_json 3, "
          + "not_an_object 1, null_value 2) · commits "), run.stdout)
    let (byReason, errors) = try Self.errors(fixture.config)
    XCTAssertEqual(byReason, ["invalid_json": 3, "not_an_object": 1, "null_value": 2])
    XCTAssertEqual(
      errors,
      [
        0: "[null value] the record value is JSON null",
        1: "[invalid JSON] byte 0: the record value is not JSON: invalid literal, expected null",
        2: "[null value] the record value is JSON null",
        3: "[invalid JSON] byte 4: the record value is not JSON: unexpected data after the JSON "
          + "null",
        4: "[not a JSON object] the record value is a JSON array, not an object",
        5: "[invalid JSON] byte 0: the record value is not JSON: unexpected 'h'",
      ])
  }

  /// Two topics with dead letters at the same partitions and offsets, four reasons of four
  /// letters each: `dead-letters` prints the reasons by count then name, and the letters
  /// newest first by (ingested_at, topic, partition, offset), all descending — the same in
  /// every process (Swift seeds its dictionaries per process, so an order left to a
  /// dictionary differs from run to run).
  func testDeadLettersAreListedInAStatedOrder() throws {
    let bad = [
      "nul{", "[1]", "null", #"{"feature_group":"nope","key":{},"event_time":1}"#,
    ]
    let fixture = try KnownOutcomeFixture(lines: bad + bad, partitions: 2)
    defer { fixture.tearDown() }
    let more = try Idemstream.run(
      ["produce", "--bootstrap", fixture.broker.bootstrap, "--topic", "more", "--partition", "0"],
      stdin: Data(((bad + bad).joined(separator: "\n") + "\n").utf8))
    XCTAssertEqual(more.status, 0, more.stderr)
    let config = try String(contentsOfFile: fixture.config, encoding: .utf8)
    try config.replacingOccurrences(of: "topics: [features]", with: "topics: [features, more]")
      .write(toFile: fixture.config, atomically: true, encoding: .utf8)
    let run = try Idemstream.run(["run", "--config", fixture.config, "--stop-at-end"])
    XCTAssertEqual(run.status, 0, run.stderr)

    let listed = try Idemstream.run(["dead-letters", "--config", fixture.config, "--json"])
    let report = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
    let letters = try XCTUnwrap(report["latest"] as? [[String: Any]])
    XCTAssertEqual(letters.count, 10, "the default --latest")
    XCTAssertEqual(report["total"] as? Int, 16)
    func place(_ letter: [String: Any]) -> (String, String, Int, Int) {
      (
        letter["ingested_at"] as? String ?? "", letter["topic"] as? String ?? "",
        letter["partition"] as? Int ?? -1, letter["offset"] as? Int ?? -1
      )
    }
    let places = letters.map(place)
    XCTAssertEqual(
      places.map { "\($0)" }, places.sorted { $0 > $1 }.map { "\($0)" }, "newest first")

    let expected =
      ["16 dead letter(s)"]
      + ["invalid_json", "not_an_object", "null_value", "unknown_feature_group"].map {
        "  4\t\($0)"
      } + ["latest:"]
      + letters.prefix(3).map {
        "  \($0["topic"] ?? "")[\($0["partition"] ?? "")]@\($0["offset"] ?? "")  "
          + "\($0["error"] ?? "")"
      }
    for _ in 0..<5 {
      let text = try Idemstream.run(
        ["dead-letters", "--config", fixture.config, "--latest", "3"])
      XCTAssertEqual(text.status, 0, text.stderr)
      XCTAssertEqual(text.stdout.split(separator: "\n").map(String.init), expected)
    }
  }

  /// With more differences than verify shows (5 of each kind), the ones shown are the
  /// smallest keys in key order (strings byte by byte), whichever order the stores hold
  /// them in, and the report is the same every time.
  func testVerifyShowsTheSmallestKeysInKeyOrder() throws {
    let fixture = try IngestionFixture(writes: 400)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a")
    _ = try fixture.runToEnd(config)
    // Entities picked by descending offset, not by key: 8 deleted, 7 altered, 6 added.
    let picked = try Python.run(
      """
      import sqlite3, sys
      db = sqlite3.connect(sys.argv[1] + "/online/online.db")
      live = [r[0] for r in db.execute(
          "SELECT user_id FROM user_stats_v1 WHERE _deleted = 0 ORDER BY _offset DESC LIMIT 15")]
      for user in live[:8]:
          db.execute("DELETE FROM user_stats_v1 WHERE user_id = ?", (user,))
      for user in live[8:]:
          db.execute("UPDATE user_stats_v1 SET clicks = -1 WHERE user_id = ?", (user,))
      for user in ["zz5", "zz1", "zz30", "zz3", "zz10", "zz2"]:
          db.execute("INSERT INTO user_stats_v1 (user_id, event_time, _partition, _offset,"
                     " _deleted, clicks) VALUES (?, 1, 0, 0, 0, 1)", (user,))
      db.commit()
      print(" ".join(live))
      """, [fixture.dataDir("a")]
    ).split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    XCTAssertEqual(picked.count, 15)
    // Python orders str by code point: byte order for these ASCII keys.
    let expected = [
      "missing": Array(picked[..<8].sorted().prefix(5)),
      "differing": Array(picked[8...].sorted().prefix(5)),
      "extra": ["zz1", "zz10", "zz2", "zz3", "zz30"],
    ]
    let first = try Idemstream.run([
      "verify", "--config", config, "--group", "user_stats", "--json",
    ])
    XCTAssertEqual(first.status, 1, first.stderr)
    let report = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
    let group = try XCTUnwrap((report["groups"] as? [[String: Any]])?.first)
    XCTAssertEqual(group["missing"] as? Int, 8)
    XCTAssertEqual(group["differing"] as? Int, 7)
    XCTAssertEqual(group["extra"] as? Int, 6)
    let examples = try XCTUnwrap(group["examples"] as? [String: [[String: Any]]])
    XCTAssertEqual(
      examples.mapValues { $0.map { ($0["key"] as? [String: Any])?["user_id"] as? String ?? "" } },
      expected)

    let text = try Idemstream.run(["verify", "--config", config, "--group", "user_stats"])
    // The example lines, without the rows under them, kinds in name order.
    let shown = text.stdout.split(separator: "\n").map(String.init).filter {
      $0.hasPrefix("  ") && !$0.hasPrefix("    ")
    }
    XCTAssertEqual(
      shown,
      ["differing", "extra", "missing"].flatMap { kind in
        (expected[kind] ?? []).map { "  \(kind) \"\($0)\"" }
      })
    for _ in 0..<2 {
      let again = try Idemstream.run(["verify", "--config", config, "--group", "user_stats"])
      XCTAssertEqual(again.stdout, text.stdout)
    }
  }
}
