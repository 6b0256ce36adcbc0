import Foundation
import TestSupport
import XCTest

/// Contract section 5: each group version's table has positions of its own. A new version
/// fills from the earliest offset through the same rules while the old table stays as it
/// was; a group that comes back to the config gets every record of its own it lacks.
final class GroupVersionTests: XCTestCase {
  static let userStatsV1 = "  - name: user_stats\n    version: 1"

  func testANewVersionFillsFromTheTopicAndTheOldTableStays() throws {
    let fixture = try IngestionFixture(writes: 800)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a")
    _ = try fixture.runToEnd(config)
    let before = try Self.snapshot(fixture, "a", groups: Workload.groupsJSON)
    let oldTable = fixture.dataDir("a") + "/offline/user_stats_v1"
    let oldFiles = try InvariantTests.fileContents(under: oldTable)
    let merchantFiles = try InvariantTests.fileContents(
      under: fixture.dataDir("a") + "/offline/merchant_daily_v2")
    let v1Dump = try Idemstream.run(["online", "dump", "--config", config, "--group", "user_stats"])
    let v1History = try Idemstream.run(
      ["offline", "history", "--config", config, "--group", "user_stats", "--json", "u7"])
    XCTAssertFalse(v1Dump.stdout.isEmpty)
    XCTAssertFalse(v1History.stdout.isEmpty, v1History.stderr)

    let text = try String(contentsOfFile: config, encoding: .utf8)
    XCTAssertTrue(text.contains(Self.userStatsV1))
    try text.replacingOccurrences(
      of: Self.userStatsV1, with: "  - name: user_stats\n    version: 2"
    ).write(toFile: config, atomically: true, encoding: .utf8)
    _ = try fixture.runToEnd(config)
    let after = try Self.snapshot(
      fixture, "a",
      groups: Workload.groupsJSON.replacingOccurrences(
        of: #""name":"user_stats","version":1"#, with: #""name":"user_stats","version":2"#))

    // v2 holds what v1 held, in both stores: the same records decided by the same rules.
    let v1 = try XCTUnwrap(before["groups"] as? [String: Any])
    let v2 = try XCTUnwrap(after["groups"] as? [String: Any])
    XCTAssertEqual(v2["user_stats"] as? NSDictionary, v1["user_stats"] as? NSDictionary)
    XCTAssertEqual(v2["merchant_daily"] as? NSDictionary, v1["merchant_daily"] as? NSDictionary)
    XCTAssertEqual(after["dead_letters"] as? NSArray, before["dead_letters"] as? NSArray)
    // Neither the old version's table nor the other group's was written.
    XCTAssertEqual(try InvariantTests.fileContents(under: oldTable), oldFiles)
    XCTAssertEqual(
      try InvariantTests.fileContents(under: fixture.dataDir("a") + "/offline/merchant_daily_v2"),
      merchantFiles)
    // The read tools still reach v1, by --group-version.
    let old = ["--config", config, "--group", "user_stats", "--group-version", "1"]
    XCTAssertEqual(try Idemstream.run(["online", "dump"] + old).stdout, v1Dump.stdout)
    XCTAssertEqual(
      try Idemstream.run(["offline", "history"] + old + ["--json", "u7"]).stdout, v1History.stdout)
    let missing = try Idemstream.run(
      ["online", "dump", "--config", config, "--group", "user_stats", "--group-version", "7"])
    XCTAssertNotEqual(missing.status, 0)
    XCTAssertTrue(
      missing.stderr.contains("has no version 7 in this data dir; versions there: 1, 2"),
      missing.stderr)
  }

  func testAGroupBackInTheConfigGetsEveryRecordItsTableLacks() throws {
    let fixture = try IngestionFixture(writes: 600)
    defer { fixture.tearDown() }
    let reference = try fixture.config(name: "reference")
    let config = try fixture.config(name: "a")
    _ = try fixture.runToEnd(config)
    // The group leaves the config; more of its records arrive meanwhile.
    let text = try String(contentsOfFile: config, encoding: .utf8)
    let merchant = try XCTUnwrap(text.range(of: "  - name: merchant_daily"))
    try String(text[..<merchant.lowerBound]).write(
      toFile: config, atomically: true, encoding: .utf8)
    let more = Workload(writes: 400, seed: 9)
    let produced = try Idemstream.run(
      ["produce", "--bootstrap", fixture.broker.bootstrap, "--topic", fixture.topic],
      stdin: more.jsonl)
    XCTAssertEqual(produced.status, 0, produced.stderr)
    _ = try fixture.runToEnd(config)
    // Back in the config: its table takes what it lacks, in both stores.
    try text.write(toFile: config, atomically: true, encoding: .utf8)
    _ = try fixture.runToEnd(config)
    _ = try fixture.runToEnd(reference)
    let got = try XCTUnwrap(
      Self.snapshot(fixture, "a", groups: Workload.groupsJSON)["groups"] as? [String: Any])
    let wanted = try XCTUnwrap(
      Self.snapshot(fixture, "reference", groups: Workload.groupsJSON)["groups"]
        as? [String: Any])
    XCTAssertEqual(
      got["merchant_daily"] as? NSDictionary, wanted["merchant_daily"] as? NSDictionary)
    XCTAssertEqual(got["user_stats"] as? NSDictionary, wanted["user_stats"] as? NSDictionary)
  }

  /// `stores.py snapshot` of a data dir for `groups`, with the online store dumped by the
  /// config's own versions.
  static func snapshot(_ fixture: IngestionFixture, _ name: String, groups: String) throws
    -> [String: Any]
  {
    let config = fixture.directory.url.appendingPathComponent("\(name).yaml").path
    let folder = fixture.directory.url.appendingPathComponent("\(name)-dump").path
    try fixture.dumpOnline(config, into: folder)
    let text = try Python.run(
      try interopScript("stores.py"), ["snapshot", fixture.dataDir(name), groups, folder])
    return try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }
}
