import Foundation
import Parquet
import TestSupport
import XCTest

@testable import Delta

/// Data files and checkpoints we write, read by deltalake; and the reverse.
final class DataInteropTests: XCTestCase {
  func testEveryVersionWeWriteIsReadByDeltalake() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try DeltaTable.create(at: directory.url, schema: TestRows.schema)
    var expected: [[[String: JSONValue]]] = [[]]
    var ids: [Int64] = []
    for batch in 0..<3 {
      let batchIds = (0..<5).map { Int64(batch * 5 + $0) }
      ids += batchIds
      try table.append(
        TestRows.columns(batchIds), appTransactions: [("p\(batch % 2)", Int64(batch))])
      expected.append(TestRows.expected(ids))
    }
    let read = try PythonDelta.readRows(table: directory.url, appIds: ["p0", "p1"])
    XCTAssertEqual(read.rows, expected)
    XCTAssertEqual(read.transactions.last, ["p0": 2, "p1": 1])
    XCTAssertEqual(read.transactions[1], ["p0": 0])
    XCTAssertEqual(TestRows.rows(try table.read()), expected.last)
    XCTAssertEqual(
      TestRows.rows(try table.read(snapshot: try table.snapshot(version: 1))), expected[1])
    let projected = try table.read(columns: ["name", "id"])
    XCTAssertEqual(projected.first?.fields.map(\.name), ["name", "id"])
  }

  func testStatisticsAreWhatDeltalakeExpects() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try DeltaTable.create(at: directory.url, schema: TestRows.schema)
    try table.append(TestRows.columns([3, 4, 5, 6]))
    let stats = try XCTUnwrap(try table.snapshot().files.first?.statistics())
    XCTAssertEqual(stats.numRecords, 4)
    XCTAssertEqual(stats.minValues["id"], .integer(3))
    XCTAssertEqual(stats.maxValues["name"], .string("name-5"))
    XCTAssertEqual(stats.nullCount(of: "name"), 2)
    XCTAssertEqual(stats.minValues["at"], .string("2024-01-01T00:00:03.000003Z"))
    let code = """
      import sys, json
      from deltalake import DeltaTable
      dt = DeltaTable(sys.argv[1])
      import pyarrow as pa
      a = pa.table(dt.get_add_actions(flatten=True)).to_pylist()[0]
      print(json.dumps({k: str(v) for k, v in a.items() if k.startswith(("min.", "max.", "null_count.", "num_records"))}))
      """
    let out = try Python.run(code, [directory.path])
    let seen = try JSONDecoder().decode([String: String].self, from: Data(out.utf8))
    XCTAssertEqual(seen["num_records"], "4")
    XCTAssertEqual(seen["min.id"], "3")
    XCTAssertEqual(seen["max.id"], "6")
    XCTAssertEqual(seen["null_count.name"], "2")
    XCTAssertEqual(seen["max.score"], "5.5")
    XCTAssertTrue(seen["min.at"]?.hasPrefix("2024-01-01 00:00:03.000003") == true, "\(seen)")
    // File skipping with those statistics.
    try table.append(TestRows.columns([100, 101]))
    XCTAssertEqual(try table.read(predicate: .equal("id", .long(100))).count, 1)
    XCTAssertEqual(try table.read(predicate: .between("id", .long(0), .long(200))).count, 2)
    XCTAssertEqual(try table.read(predicate: .equal("id", .long(50))).count, 0)
    let late = TimestampText.parseMicroseconds("2024-01-01T00:01:00Z")!
    XCTAssertEqual(try table.read(predicate: .between("at", .timestamp(late), nil)).count, 1)
  }

  func testCheckpointsAreLoadedByDeltalakeAndByUs() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let options = DeltaTable.Options(checkpointInterval: 2)
    let table = try DeltaTable.create(at: directory.url, schema: TestRows.schema, options: options)
    var ids: [Int64] = []
    var expected: [[[String: JSONValue]]] = [[]]
    for batch in 0..<5 {
      let batchIds = (0..<3).map { Int64(batch * 3 + $0) }
      ids += batchIds
      try table.append(TestRows.columns(batchIds), appTransactions: [("app", Int64(batch))])
      expected.append(TestRows.expected(ids))
    }
    try table.compact()
    expected.append(expected.last!)
    XCTAssertNil(table.checkpointFailure)
    let log = directory.url.appendingPathComponent("_delta_log")
    for version in [2, 4, 6] {
      XCTAssertTrue(
        FileManager.default.fileExists(
          atPath: log.appendingPathComponent(LogFileName.checkpoint(Int64(version))).path))
    }
    XCTAssertEqual(try LastCheckpoint.read(logDirectory: log)?.version, 6)
    let read = try PythonDelta.readRows(table: directory.url, appIds: ["app"])
    XCTAssertEqual(read.rows, expected)
    XCTAssertEqual(read.transactions.last, ["app": 4])
    // deltalake loads the checkpoint itself: with the commits before it gone, it still reads.
    for version in Int64(0)...5 {
      try FileManager.default.removeItem(at: table.log.commitURL(version))
    }
    let latest = try Python.run(
      "import sys\nfrom deltalake import DeltaTable\ndt = DeltaTable(sys.argv[1])\nprint(dt.version(), dt.to_pyarrow_table().num_rows, dt.transaction_version('app'))",
      [directory.path])
    XCTAssertEqual(latest.trimmingCharacters(in: .whitespacesAndNewlines), "6 15 4")
    let reopened = try DeltaTable.open(at: directory.url)
    let snapshot = try reopened.snapshot()
    XCTAssertEqual(snapshot.version, 6)
    XCTAssertEqual(snapshot.files.count, 1)
    XCTAssertEqual(snapshot.transactionVersion(appId: "app"), 4)
    XCTAssertEqual(TestRows.rows(try reopened.read()), expected.last)
    XCTAssertThrowsError(try reopened.snapshot(version: 3)) {
      XCTAssertEqual($0 as? DeltaError, .missingLogEntry(version: 3))
    }
  }

  func testTablesWrittenByDeltalakeAreReadWithTheSameRows() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let code = """
      import sys, datetime, pyarrow as pa
      from deltalake import write_deltalake, DeltaTable, CommitProperties, Transaction
      path = sys.argv[1]
      for b in range(6):
          ids = [b * 4 + k for k in range(4)]
          t = pa.table({
              "id": pa.array(ids, pa.int64()),
              "name": pa.array([None if i % 3 == 0 else f"name-{i}" for i in ids], pa.string()),
              "at": pa.array([1704067200000000 + i * 1000001 for i in ids], pa.timestamp("us", tz="UTC")),
              "score": pa.array([None if i % 3 == 0 else i + 0.5 for i in ids], pa.float64()),
              "flag": pa.array([i % 2 == 0 for i in ids], pa.bool_()),
              "small": pa.array([i % 100 for i in ids], pa.int32())})
          write_deltalake(path, t, mode="append",
              commit_properties=CommitProperties(app_transactions=[Transaction(app_id=f"p{b % 2}", version=b * 10)]))
          if b == 3:
              DeltaTable(path).create_checkpoint()
      """
    try Python.run(code, [directory.path])
    let table = try DeltaTable.open(at: directory.url)
    XCTAssertEqual(try table.snapshot().version, 5)
    for version in Int64(0)...5 {
      let snapshot = try table.snapshot(version: version)
      let ids = (0..<Int64((version + 1) * 4)).map { $0 }
      XCTAssertEqual(TestRows.rows(try table.read(snapshot: snapshot)), TestRows.expected(ids))
    }
    let latest = try table.snapshot()
    XCTAssertEqual(latest.transactionVersion(appId: "p0"), 40)
    XCTAssertEqual(latest.transactionVersion(appId: "p1"), 50)
    XCTAssertEqual(latest.schema, TestRows.schema)
    // We keep appending to their table; they read our commit.
    try table.append(TestRows.columns([24, 25]), appTransactions: [("p0", 60)])
    let read = try PythonDelta.readRows(table: directory.url, appIds: ["p0"])
    XCTAssertEqual(read.rows.last, TestRows.expected((0..<26).map { Int64($0) }))
    XCTAssertEqual(read.transactions.last, ["p0": 60])
  }

  func testSchemaEvolutionAddsANullableColumn() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try DeltaTable.create(at: directory.url, schema: TestRows.schema)
    try table.append(TestRows.columns([1, 2]))
    try table.addColumns([DeltaField("country", .string)])
    try table.append(TestRows.columns([4]) + [.strings(["PT"])])
    var expected = TestRows.expected([1, 2, 4])
    for index in expected.indices {
      expected[index]["country"] = index == 2 ? .string("PT") : .null
    }
    XCTAssertEqual(TestRows.rows(try table.read()), expected)
    let read = try PythonDelta.readRows(table: directory.url)
    XCTAssertEqual(read.rows.last, expected)
    XCTAssertThrowsError(try table.append(TestRows.columns([5]))) {
      guard case DeltaError.schemaMismatch = $0 else { return XCTFail("\($0)") }
    }
  }

  func testCompactionKeepsRowsAndToleratesConcurrentAppends() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try DeltaTable.create(at: directory.url, schema: TestRows.schema)
    for batch in 0..<4 {
      try table.append(TestRows.columns([Int64(batch * 2), Int64(batch * 2 + 1)]))
    }
    let compactor = try DeltaTable.open(at: directory.url)
    _ = try compactor.snapshot()
    try table.append(TestRows.columns([8]))
    let version = try XCTUnwrap(try compactor.compact())
    XCTAssertEqual(version, 6)
    let snapshot = try table.snapshot()
    XCTAssertEqual(snapshot.files.count, 1)
    XCTAssertEqual(snapshot.files.first?.dataChange, false)
    let records = try table.commits(after: 5)
    XCTAssertEqual(records.count, 1)
    XCTAssertFalse(records[0].isDataChange)
    let ids = (0..<9).map { Int64($0) }
    XCTAssertEqual(TestRows.rows(try table.read()), TestRows.expected(ids))
    let read = try PythonDelta.readRows(table: directory.url)
    XCTAssertEqual(read.rows.last, TestRows.expected(ids))
    XCTAssertEqual(read.rows[5], TestRows.expected(ids))
  }

  func testBadBatchesAreRejected() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let strict = DeltaSchema([
      DeltaField("id", .long, nullable: false), DeltaField("name", .string),
    ])
    let table = try DeltaTable.create(at: directory.url, schema: strict)
    let cases: [[ParquetColumnValues]] = [
      [.int64([1], validity: nil)],
      [.int32([1], validity: nil), .strings(["a"])],
      [.int64([1, 2], validity: nil), .strings(["a"])],
      [.int64([1], validity: [false]), .strings(["a"])],
    ]
    for columns in cases {
      XCTAssertThrowsError(try table.writeDataFile(columns)) {
        guard case DeltaError.schemaMismatch = $0 else { return XCTFail("\($0)") }
      }
    }
    XCTAssertEqual(try table.snapshot().version, 0)
  }
}
