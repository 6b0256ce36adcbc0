import Foundation
import TestSupport
import XCTest

/// The operator tools against real stores: verify (and repair), replay --dry-run, status,
/// offline history with time travel, dead letters, online get.
final class ToolTests: XCTestCase {
  /// Changes the online store behind the service's back with Python's sqlite3: one entity
  /// deleted, one altered, one given another write's order (same values and event time),
  /// one added. `verify` must name exactly those four.
  func testVerifyNamesTamperedEntitiesAndRepairRestoresAgreement() throws {
    let fixture = try IngestionFixture(writes: 800)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a")
    _ = try fixture.runToEnd(config)
    let clean = try Idemstream.run(["verify", "--config", config])
    XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)

    let victims = try Python.run(
      """
      import sqlite3, sys
      db = sqlite3.connect(sys.argv[1] + "/online/online.db")
      live = [r[0] for r in db.execute(
          "SELECT user_id FROM user_stats_v1 WHERE _deleted = 0 ORDER BY user_id LIMIT 3")]
      db.execute("DELETE FROM user_stats_v1 WHERE user_id = ?", (live[0],))
      db.execute("UPDATE user_stats_v1 SET clicks = 123456789 WHERE user_id = ?", (live[1],))
      db.execute("UPDATE user_stats_v1 SET _offset = _offset + 100000 WHERE user_id = ?", (live[2],))
      db.execute("INSERT INTO user_stats_v1 (user_id, event_time, _partition, _offset, _deleted,"
                 " clicks) VALUES ('intruder', 1, 0, 0, 0, 1)")
      db.commit()
      print(live[0], live[1], live[2])
      """, [fixture.dataDir("a")]
    ).split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

    let broken = try Idemstream.run([
      "verify", "--config", config, "--json", "--group", "user_stats",
    ])
    XCTAssertEqual(broken.status, 1, broken.stderr)
    let report = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any])
    let group = try XCTUnwrap((report["groups"] as? [[String: Any]])?.first)
    XCTAssertEqual(group["missing"] as? Int, 1)
    XCTAssertEqual(group["differing"] as? Int, 2)
    XCTAssertEqual(group["extra"] as? Int, 1)
    let examples = try XCTUnwrap(group["examples"] as? [String: [[String: Any]]])
    // Each key is an object of the key columns (JSONOutputTests checks the rows).
    func keys(_ kind: String) -> [String] {
      (examples[kind] ?? []).compactMap { ($0["key"] as? [String: Any])?["user_id"] as? String }
    }
    XCTAssertEqual(keys("missing"), [victims[0]])
    XCTAssertEqual(keys("differing"), [victims[1], victims[2]], "in key order")
    XCTAssertEqual(keys("extra"), ["intruder"])

    let repair = try Idemstream.run(["verify", "--config", config, "--repair"])
    XCTAssertEqual(repair.status, 0, repair.stdout + repair.stderr)
    let after = try Idemstream.run(["verify", "--config", config])
    XCTAssertEqual(after.status, 0, after.stdout)
    let report2 = try fixture.checkInvariants("a")
    XCTAssertEqual(report2["violation_count"] as? Int, 0)
  }

  /// `replay --dry-run` over fresh stores reports what a run then writes, and writes nothing.
  func testDryRunReportsWhatARunWrites() throws {
    let fixture = try IngestionFixture(writes: 500)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "fresh")
    let dry = try Idemstream.run([
      "replay", "--config", config, "--from-beginning", "--dry-run", "--json",
    ])
    XCTAssertEqual(dry.status, 0, dry.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.dataDir("fresh")))
    let predicted = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
    let run = try Idemstream.run(["run", "--config", config, "--stop-at-end", "--json"])
    XCTAssertEqual(run.status, 0, run.stderr)
    let actual = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let predictedGroups = try XCTUnwrap(predicted["groups"] as? [String: [String: Int]])
    let actualGroups = try XCTUnwrap(actual["groups"] as? [String: [String: Int]])
    for name in ["user_stats", "merchant_daily"] {
      for field in ["new", "duplicate", "stale", "conflict"] {
        XCTAssertEqual(
          predictedGroups[name]?[field] ?? 0, actualGroups[name]?[field] ?? 0, "\(name).\(field)")
      }
    }
    XCTAssertEqual(
      predicted["dead_letters"] as? Int, fixture.workload.malformed + fixture.workload.conflicts)
  }

  /// `status --json` after `run --stop-at-end`: every partition at zero lag in both stores.
  func testStatusShowsZeroLagAfterStopAtEnd() throws {
    let fixture = try IngestionFixture(writes: 300)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a")
    _ = try fixture.runToEnd(config)
    let status = try Idemstream.run(["status", "--config", config, "--json"])
    XCTAssertEqual(status.status, 0, status.stderr)
    let doc = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
    let partitions = try XCTUnwrap(doc["partitions"] as? [[String: Any]])
    XCTAssertEqual(partitions.count, 4)
    for partition in partitions {
      XCTAssertEqual(partition["lag"] as? Int, 0, "\(partition)")
      XCTAssertEqual(partition["online_offset"] as? Int, partition["offline_offset"] as? Int)
    }
  }

  /// `offline history --as-of VERSION` returns what the table held at that version.
  func testOfflineHistoryTimeTravel() throws {
    let fixture = try IngestionFixture(writes: 1500)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a", maxRowsPerCommit: 100)
    _ = try fixture.runToEnd(config)
    let latest = try Idemstream.run(
      ["offline", "history", "--config", config, "--group", "user_stats", "--json", "u7"])
    XCTAssertEqual(latest.status, 0, latest.stderr)
    let rows = latest.stdout.split(separator: "\n")
    XCTAssertGreaterThan(rows.count, 3)
    // At each version, deltalake and `offline history` agree on u7's rows.
    let table = fixture.dataDir("a") + "/offline/user_stats_v1"
    for version in [1, 3, 6] {
      let ours = try Idemstream.run(
        [
          "offline", "history", "--config", config, "--group", "user_stats", "--json",
          "--as-of", "\(version)", "u7",
        ])
      let offsets = ours.stdout.split(separator: "\n").compactMap { line -> String? in
        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return (object?["_kafka_offset"] as? Int).map {
          "\(object?["_kafka_partition"] ?? -1):\($0)"
        }
      }
      let theirs = try Python.run(
        """
        import sys
        from deltalake import DeltaTable
        t = DeltaTable(sys.argv[1], version=int(sys.argv[2])).to_pyarrow_table().to_pylist()
        rows = sorted((r["_kafka_partition"], r["_kafka_offset"]) for r in t if r["user_id"] == "u7")
        print(" ".join(f"{p}:{o}" for p, o in rows))
        """, [table, "\(version)"]
      ).trimmingCharacters(in: .whitespacesAndNewlines)
      // A version before u7's first write has no row of it: exit 1, as for `online get`.
      XCTAssertEqual(ours.status, theirs.isEmpty ? 1 : 0, "version \(version): \(ours.stderr)")
      XCTAssertEqual(offsets.joined(separator: " "), theirs, "version \(version)")
    }
  }

  /// `online get` prints the row of a present entity and exits 1 for an absent one;
  /// `dead-letters --json` counts by reason.
  func testOnlineGetAndDeadLetters() throws {
    let fixture = try IngestionFixture(writes: 400)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a")
    _ = try fixture.runToEnd(config)
    let dump = try Idemstream.run([
      "online", "dump", "--config", config, "--group", "merchant_daily",
    ])
    let first = try XCTUnwrap(dump.stdout.split(separator: "\n").first)
    let object = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
    let key = #"{"merchant_id":\#(object["merchant_id"] ?? 0),"day":"\#(object["day"] ?? "")"}"#
    let got = try Idemstream.run([
      "online", "get", "--config", config, "--group", "merchant_daily", key,
    ])
    XCTAssertEqual(got.status, 0, got.stderr)
    XCTAssertEqual(got.stdout.trimmingCharacters(in: .whitespacesAndNewlines), String(first))
    let absent = try Idemstream.run([
      "online", "get", "--config", config, "--group", "user_stats", "nobody",
    ])
    XCTAssertEqual(absent.status, 1)
    let letters = try Idemstream.run(["dead-letters", "--config", config, "--json"])
    XCTAssertEqual(letters.status, 0, letters.stderr)
    let report = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(letters.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(report["total"] as? Int, fixture.workload.malformed + fixture.workload.conflicts)
    let reasons = try XCTUnwrap(report["by_reason"] as? [String: Int])
    XCTAssertEqual(reasons["conflict"] ?? 0, fixture.workload.conflicts)
  }
}
