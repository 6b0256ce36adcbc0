import Foundation
import TestSupport
import XCTest

/// `maintenance optimize` beside a running ingest: the optimize commit changes no version's
/// rows (deltalake reads every version), its files are sorted by key with disjoint key
/// ranges, the ingest loses nothing, and the stores still agree.
final class MaintenanceTests: XCTestCase {
  func testOptimizeBesideARunningIngestKeepsEveryRowAndSortsTheFiles() throws {
    let fixture = try IngestionFixture(writes: 900)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a", maxRowsPerCommit: 40)
    _ = try fixture.runToEnd(config)

    // More records arrive while the service runs and the optimize commits.
    let service = try Idemstream.start(["run", "--config", config])
    defer { service.stop() }
    let more = Workload(writes: 600, seed: 77)
    let produced = try Idemstream.run(
      ["produce", "--bootstrap", fixture.broker.bootstrap, "--topic", fixture.topic],
      stdin: more.jsonl)
    XCTAssertEqual(produced.status, 0, produced.stderr)
    let optimized = try Idemstream.run(
      ["maintenance", "optimize", "--config", config, "--group", "user_stats", "--json"])
    XCTAssertEqual(optimized.status, 0, optimized.stderr)
    let report = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(optimized.stdout.utf8)) as? [String: Any],
      optimized.stdout)
    let version = try XCTUnwrap(report["version"] as? Int, optimized.stdout)
    XCTAssertGreaterThan(try XCTUnwrap(report["files_removed"] as? Int), 5)
    XCTAssertEqual(report["files_added"] as? Int, 1, "a small table fits one 128 MiB file")
    service.signal(SIGTERM)
    XCTAssertEqual(service.wait(), 0, service.stderr)
    _ = try fixture.runToEnd(config)

    let text = try Python.run(
      """
      import json, os, sys
      import pyarrow.parquet as pq
      from deltalake import DeltaTable
      path, optimized = sys.argv[1], int(sys.argv[2])
      latest = DeltaTable(path).version()
      def rows(v):
          t = DeltaTable(path, version=v).to_pyarrow_table()
          return sorted(zip(t.column("_kafka_partition").to_pylist(), t.column("_kafka_offset").to_pylist()))
      every = {v: len(rows(v)) for v in range(0, latest + 1)}
      same = rows(optimized) == rows(optimized - 1)
      commit = [json.loads(l) for l in open(os.path.join(path, "_delta_log", "%020d.json" % optimized))]
      adds = [a["add"] for a in commit if "add" in a]
      ranges = []
      for add in adds:
          keys = [k.encode() for k in pq.read_table(os.path.join(path, add["path"])).column("user_id").to_pylist()]
          ranges.append((keys == sorted(keys), keys[0], keys[-1], add["dataChange"]))
      print(json.dumps({"versions": len(every), "same_rows": same,
                        "sorted": all(r[0] for r in ranges), "data_change": any(r[3] for r in ranges),
                        "adds": len(adds), "latest_files": len(DeltaTable(path).file_uris())}))
      """, [fixture.dataDir("a") + "/offline/user_stats_v1", "\(version)"])
    let model = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    XCTAssertEqual(model["same_rows"] as? Bool, true, text)
    XCTAssertEqual(model["sorted"] as? Bool, true, text)
    XCTAssertEqual(model["data_change"] as? Bool, false, text)
    let invariants = try fixture.checkInvariants("a")
    XCTAssertEqual(invariants["violation_count"] as? Int, 0, "\(invariants)")
    let verify = try Idemstream.run(["verify", "--config", config])
    XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)

    // A second optimize folds the files the ingest added since into one sorted file more.
    let again = try Idemstream.run(
      ["maintenance", "optimize", "--config", config, "--group", "user_stats"])
    XCTAssertEqual(again.status, 0, again.stderr)
    XCTAssertTrue(again.stdout.contains("sorted"), again.stdout)
  }

  /// `maintenance vacuum`: beside a running ingest with the default retention it deletes
  /// only a file no commit names that is older than a week; a retention below the table's
  /// promise is refused; once the table's properties allow a second, it deletes the files
  /// the optimize removed and the log before the newest old checkpoint, and every version
  /// from there on still reads (deltalake), with the stores agreeing.
  func testVacuumDeletesOnlyWhatNoRetainedVersionNeeds() throws {
    let fixture = try IngestionFixture(writes: 700)
    defer { fixture.tearDown() }
    let config = try fixture.config(name: "a", maxRowsPerCommit: 40)
    _ = try fixture.runToEnd(config)
    let optimized = try Idemstream.run(
      ["maintenance", "optimize", "--config", config, "--group", "user_stats"])
    XCTAssertEqual(optimized.status, 0, optimized.stderr)
    let table = fixture.dataDir("a") + "/offline/user_stats_v1"
    let manager = FileManager.default
    let oldOrphan = table + "/part-orphan-old.parquet"
    let newOrphan = table + "/part-orphan-new.parquet"
    for orphan in [oldOrphan, newOrphan] {
      XCTAssertTrue(manager.createFile(atPath: orphan, contents: Data("PAR1".utf8)))
    }
    try manager.setAttributes(
      [.modificationDate: Date().addingTimeInterval(-10 * 86_400)], ofItemAtPath: oldOrphan)
    func dataFiles() throws -> Int {
      try manager.contentsOfDirectory(atPath: table).filter { $0.hasSuffix(".parquet") }.count
    }
    let before = try dataFiles()

    let service = try Idemstream.start(["run", "--config", config])
    defer { service.stop() }
    let produced = try Idemstream.run(
      ["produce", "--bootstrap", fixture.broker.bootstrap, "--topic", fixture.topic],
      stdin: Workload(writes: 400, seed: 31).jsonl)
    XCTAssertEqual(produced.status, 0, produced.stderr)
    let week = try Idemstream.run(["maintenance", "vacuum", "--config", config, "--json"])
    XCTAssertEqual(week.status, 0, week.stderr)
    XCTAssertTrue(
      week.stdout.contains(
        #"{"table":"user_stats_v1","data_files_deleted":1,"log_files_deleted":0,"#
          + #""oldest_readable_version":null}"#), week.stdout)
    XCTAssertFalse(manager.fileExists(atPath: oldOrphan))
    XCTAssertTrue(manager.fileExists(atPath: newOrphan), "younger than the retention")
    let short = try Idemstream.run(
      ["maintenance", "vacuum", "--config", config, "--retain", "1h"])
    XCTAssertEqual(short.status, 1)
    XCTAssertTrue(
      short.stderr.contains("shorter than the table's delta.deletedFileRetentionDuration"),
      short.stderr)
    service.signal(SIGTERM)
    XCTAssertEqual(service.wait(), 0, service.stderr)
    _ = try fixture.runToEnd(config)
    XCTAssertGreaterThan(try dataFiles(), before - 1, "the ingest went on adding files")

    // A user lowers the table's retention (through deltalake), and vacuums again.
    let rowsBefore = try Python.run(
      """
      import sys
      from deltalake import DeltaTable
      dt = DeltaTable(sys.argv[1])
      dt.alter.set_table_properties({"delta.deletedFileRetentionDuration": "interval 1 seconds",
                                     "delta.logRetentionDuration": "interval 1 seconds"})
      print(DeltaTable(sys.argv[1]).to_pyarrow_table().num_rows)
      """, [table])
    sleep(2)
    let second = try Idemstream.run(
      [
        "maintenance", "vacuum", "--config", config, "--group", "user_stats", "--retain", "1s",
        "--json",
      ])
    XCTAssertEqual(second.status, 0, second.stderr)
    let line = try XCTUnwrap(
      second.stdout.split(separator: "\n").first { $0.contains(#""user_stats_v1""#) })
    let report = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    XCTAssertGreaterThan(try XCTUnwrap(report["data_files_deleted"] as? Int), 5, "\(report)")
    XCTAssertGreaterThan(try XCTUnwrap(report["log_files_deleted"] as? Int), 0, "\(report)")
    let oldest = try XCTUnwrap(report["oldest_readable_version"] as? Int)
    XCTAssertFalse(manager.fileExists(atPath: newOrphan))

    let readable = try Python.run(
      """
      import sys
      from deltalake import DeltaTable
      path, oldest = sys.argv[1], int(sys.argv[2])
      latest = DeltaTable(path).version()
      counts = [DeltaTable(path, version=v).to_pyarrow_table().num_rows for v in range(oldest, latest + 1)]
      print(len(counts), counts[-1])
      """, [table, "\(oldest)"])
    let parts = readable.split(separator: " ")
    XCTAssertGreaterThan(Int(parts[0]) ?? 0, 0, readable)
    XCTAssertEqual(
      parts.last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) },
      rowsBefore.trimmingCharacters(in: .whitespacesAndNewlines), "the latest rows are all there")
    let verify = try Idemstream.run(["verify", "--config", config])
    XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
    // The ingest goes on over the vacuumed table.
    _ = try fixture.runToEnd(config)
    let invariants = try fixture.checkInvariants("a")
    XCTAssertEqual(invariants["violation_count"] as? Int, 0, "\(invariants)")
  }
}
