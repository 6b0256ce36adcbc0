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
}
