import Foundation
import TestSupport
import XCTest

@testable import Delta

/// Checkpoints written off the commit path land as the synchronous ones do, in order, and
/// deltalake loads the table from them.
final class BackgroundCheckpointTests: XCTestCase {
  func testBackgroundCheckpointsLandInOrderAndDeltalakeLoadsThem() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let options = DeltaTable.Options(checkpointInterval: 3, checkpointsInBackground: true)
    let table = try DeltaTable.create(at: directory.url, schema: TestRows.schema, options: options)
    var ids: [Int64] = []
    for batch in 0..<10 {
      ids.append(Int64(batch))
      try table.append(TestRows.columns([Int64(batch)]), appTransactions: [("app", Int64(batch))])
    }
    table.waitForCheckpoints()
    XCTAssertNil(table.checkpointFailure)
    let log = directory.url.appendingPathComponent("_delta_log")
    for version in [3, 6, 9] {
      XCTAssertTrue(
        FileManager.default.fileExists(
          atPath: log.appendingPathComponent(LogFileName.checkpoint(Int64(version))).path),
        "checkpoint \(version)")
    }
    XCTAssertEqual(try LastCheckpoint.read(logDirectory: log)?.version, 9)
    // With the commits up to the last checkpoint gone, only the checkpoint can answer.
    for version in Int64(0)...9 {
      try FileManager.default.removeItem(at: table.log.commitURL(version))
    }
    let latest = try Python.run(
      "import sys\nfrom deltalake import DeltaTable\ndt = DeltaTable(sys.argv[1])\nprint(dt.version(), dt.to_pyarrow_table().num_rows, dt.transaction_version('app'))",
      [directory.path])
    XCTAssertEqual(latest.trimmingCharacters(in: .whitespacesAndNewlines), "10 10 9")
    let reopened = try DeltaTable.open(at: directory.url)
    XCTAssertEqual(TestRows.rows(try reopened.read()), TestRows.expected(ids))
  }
}
