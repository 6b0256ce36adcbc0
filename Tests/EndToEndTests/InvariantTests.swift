import Foundation
import TestSupport
import XCTest

/// CONTRACT.md section 6, proven against the built binary and the embedded broker, with the
/// offline table read by `deltalake`.
final class InvariantTests: XCTestCase {
  /// Invariants 1–3: no loss, no duplicates, stores agree — on a stream with duplicates,
  /// conflicts, out-of-order writes, deletes and malformed records.
  func testIngestionKeepsNoLossNoDuplicatesAndStoresAgree() throws {
    let fixture = try IngestionFixture()
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a")
    _ = try fixture.runToEnd(config)
    let report = try fixture.checkInvariants("a")
    let counts = try XCTUnwrap(report["counts"] as? [String: Int])
    XCTAssertEqual(counts["records"], fixture.workload.lines.count)
    XCTAssertEqual(counts["accepted"], fixture.workload.accepted)
    XCTAssertEqual(counts["duplicate"], fixture.workload.duplicates)
    XCTAssertEqual(
      counts["dead_lettered"], fixture.workload.malformed + fixture.workload.conflicts)
    XCTAssertEqual(report["violation_count"] as? Int, 0, "\(report["violations"] ?? "")")
  }

  /// Invariant 5: replaying the topic from the beginning over existing stores changes
  /// neither store and reports nothing new.
  func testReplayFromBeginningChangesNeitherStore() throws {
    let fixture = try IngestionFixture(writes: 600)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a")
    _ = try fixture.runToEnd(config)
    let before = try fixture.snapshot("a")
    let filesBefore = try Self.fileContents(under: fixture.dataDir("a"))
    let statusBefore = try Idemstream.run(["status", "--config", config, "--json"])
    let replay = try Idemstream.run(["replay", "--config", config, "--from-beginning", "--json"])
    XCTAssertEqual(replay.status, 0, replay.stderr)
    let report = try JSONSerialization.jsonObject(with: Data(replay.stdout.utf8)) as? [String: Any]
    let groups = try XCTUnwrap(report?["groups"] as? [String: [String: Int]])
    XCTAssertEqual(groups.values.map { $0["new"] ?? -1 }.reduce(0, +), 0, replay.stdout)
    // Nothing written at all: every file byte for byte (no commit, no data file, the same
    // dedup log), and the online database the same by its logical dump and positions.
    let filesAfter = try Self.fileContents(under: fixture.dataDir("a"))
    XCTAssertEqual(filesAfter.keys.sorted(), filesBefore.keys.sorted())
    for (path, bytes) in filesBefore { XCTAssertEqual(filesAfter[path], bytes, path) }
    XCTAssertEqual(
      try Idemstream.run(["status", "--config", config, "--json"]).stdout, statusBefore.stdout)
    XCTAssertEqual(try fixture.snapshot("a"), before)
    // A second run from the same stores takes nothing new either.
    _ = try fixture.runToEnd(config)
    XCTAssertEqual(try fixture.snapshot("a"), before)
  }

  /// Invariant 5's second half: `replay --dry-run` runs beside the service (no lock), decides
  /// by the service's rules, and writes nothing — also when the config names a group
  /// version that has no table yet, whose every record it reports as new.
  func testDryRunBesideTheRunningServiceWritesNothing() throws {
    let fixture = try IngestionFixture(writes: 400)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a")
    _ = try fixture.runToEnd(config)
    let accepted = try XCTUnwrap(
      (try GroupVersionTests.snapshot(fixture, "a", groups: Workload.groupsJSON)["groups"]
        as? [String: [String: [Any]]])?["user_stats"]?["offline"]?.count)
    let service = try Idemstream.start(["run", "--config", config])
    defer { service.stop() }
    let lock = fixture.dataDir("a") + "/online/online.lock"
    for _ in 0..<100 where ((try? Data(contentsOf: URL(fileURLWithPath: lock)))?.count ?? 0) == 0 {
      usleep(50_000)
    }
    XCTAssertGreaterThan(try Data(contentsOf: URL(fileURLWithPath: lock)).count, 0)
    let files = try Self.fileContents(under: fixture.dataDir("a"))

    func dryRun(_ config: String) throws -> [String: [String: Int]] {
      let replay = try Idemstream.run(
        ["replay", "--config", config, "--from-beginning", "--dry-run", "--json"])
      XCTAssertEqual(replay.status, 0, replay.stderr)
      let report =
        try JSONSerialization.jsonObject(with: Data(replay.stdout.utf8)) as? [String: Any]
      return try XCTUnwrap(report?["groups"] as? [String: [String: Int]], replay.stdout)
    }
    XCTAssertEqual(try dryRun(config).values.map { $0["new"] ?? -1 }.reduce(0, +), 0)
    let bumped = fixture.directory.url.appendingPathComponent("bumped.yaml").path
    try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(
      of: GroupVersionTests.userStatsV1, with: "  - name: user_stats\n    version: 2"
    ).write(toFile: bumped, atomically: true, encoding: .utf8)
    let report = try dryRun(bumped)
    XCTAssertEqual(report["user_stats"]?["new"], accepted, "v2 would take what v1 holds")
    XCTAssertEqual(report["merchant_daily"]?["new"], 0)

    XCTAssertTrue(service.process.isRunning)
    XCTAssertEqual(try Self.fileContents(under: fixture.dataDir("a")), files)
    XCTAssertFalse(
      FileManager.default.fileExists(atPath: fixture.dataDir("a") + "/offline/user_stats_v2"))
  }

  /// Every file under `directory` by relative path, but SQLite's database and WAL, which a
  /// reader may checkpoint: those are compared by their logical dump.
  static func fileContents(under directory: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory)
    while let path = enumerator?.nextObject() as? String {
      var isDirectory: ObjCBool = false
      let full = directory + "/" + path
      guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory),
        !isDirectory.boolValue, !path.contains("online.db")
      else { continue }
      files[path] = try Data(contentsOf: URL(fileURLWithPath: full))
    }
    return files
  }

  /// Invariant 6 and the lock: a second `run` on the same data dir fails fast and says why.
  func testSecondRunOnTheSameDataDirFailsFast() throws {
    let fixture = try IngestionFixture(writes: 50)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a")
    let first = try Idemstream.start(["run", "--config", config])
    defer { first.stop() }
    // Wait until the first run holds the lock.
    let lock = fixture.dataDir("a") + "/LOCK"
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: lock) { usleep(50_000) }
    usleep(300_000)
    let start = Date()
    let second = try Idemstream.run(["run", "--config", config])
    XCTAssertNotEqual(second.status, 0)
    XCTAssertTrue(second.stderr.contains("in use"), second.stderr)
    XCTAssertLessThan(Date().timeIntervalSince(start), 5)
  }
}
