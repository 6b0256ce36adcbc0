import Foundation
import TestSupport
import XCTest

@testable import Delta

/// The log layer end to end on real tables: commits, conflicts, time travel, damage.
/// Data files here come from pyarrow, so these tests need nothing of our Parquet writer.
final class TableLogTests: XCTestCase {
  let schema = DeltaSchema([DeltaField("id", .long), DeltaField("name", .string)])

  private func add(_ table: URL, _ ids: [Int64]) throws -> AddFile {
    let file = try PythonDelta.writeDataFile(table: table, ids: ids, names: ids.map { "n\($0)" })
    return AddFile(
      path: file.name, size: file.size, modificationTime: DeltaTable.nowMilliseconds(),
      stats: FileStatistics(
        numRecords: Int64(ids.count), minValues: ["id": .integer(ids.min() ?? 0)],
        maxValues: ["id": .integer(ids.max() ?? 0)], nullCount: ["id": .integer(0)]
      ).jsonString())
  }

  func testOurCommitsAreReadByDeltalakeAtEveryVersion() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try DeltaTable.create(at: directory.url, schema: schema, name: "t")
    var expected: [[Int64]] = [[]]
    var files: [AddFile] = []
    for batch in 0..<3 {
      let ids = (0..<4).map { Int64(batch * 10 + $0) }
      let file = try add(directory.url, ids)
      files.append(file)
      let version = try table.commit(
        actions: [.add(file)], appTransactions: [("app-\(batch % 2)", Int64(batch * 100))])
      XCTAssertEqual(version, Int64(batch + 1))
      expected.append((expected.last! + ids).sorted())
    }
    // Compaction: the first two files become one, rows unchanged.
    let merged = try add(directory.url, (0..<4).map { Int64($0) } + (10..<14).map { Int64($0) })
    var compacted = merged
    compacted.dataChange = false
    let now = DeltaTable.nowMilliseconds()
    try table.commit(
      actions: [
        .add(compacted), .remove(RemoveFile(removing: files[0], at: now, dataChange: false)),
        .remove(RemoveFile(removing: files[1], at: now, dataChange: false)),
      ], operation: "OPTIMIZE")
    expected.append(expected.last!)

    let read = try PythonDelta.readVersions(table: directory.url, appIds: ["app-0", "app-1"])
    XCTAssertEqual(read.ids, expected)
    XCTAssertEqual(read.transactions, ["app-0": 200, "app-1": 100])
    let snapshot = try DeltaTable.open(at: directory.url).snapshot()
    XCTAssertEqual(snapshot.version, 4)
    XCTAssertEqual(Set(snapshot.files.map(\.path)), [files[2].path, merged.path])
    XCTAssertEqual(snapshot.transactionVersion(appId: "app-0"), 200)
    XCTAssertEqual(snapshot.rowCount, 12)
    XCTAssertEqual(
      try table.snapshot(version: 2).files.map(\.path), [files[0].path, files[1].path])
  }

  func testReadsTheLogOfTablesWrittenByDeltalake() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let code = """
      import sys, json, pyarrow as pa
      from deltalake import write_deltalake, DeltaTable, CommitProperties, Transaction
      path = sys.argv[1]
      for i in range(4):
          t = pa.table({"id": pa.array([i * 10 + k for k in range(3)], pa.int64()), "name": ["x"] * 3})
          write_deltalake(path, t, mode="append",
              commit_properties=CommitProperties(app_transactions=[Transaction(app_id=f"app-{i % 2}", version=i)]))
      out = []
      for v in range(4):
          dt = DeltaTable(path, version=v)
          out.append(sorted(dt.file_uris()))
      print(json.dumps(out))
      """
    let out = try Python.run(code, [directory.path])
    let expectedFiles = try JSONDecoder().decode([[String]].self, from: Data(out.utf8))
    let table = try DeltaTable.open(at: directory.url)
    for (version, uris) in expectedFiles.enumerated() {
      let snapshot = try table.snapshot(version: Int64(version))
      XCTAssertEqual(
        snapshot.files.map { snapshot.url(of: $0).path }.sorted(),
        uris.map { URL(string: $0)?.path ?? $0 }.sorted())
      XCTAssertEqual(snapshot.rowCount, Int64(3 * (version + 1)))
    }
    let latest = try table.snapshot()
    XCTAssertEqual(latest.transactionVersion(appId: "app-0"), 2)
    XCTAssertEqual(latest.transactionVersion(appId: "app-1"), 3)
    XCTAssertEqual(try table.snapshot(version: 0).transactions.mapValues(\.version), ["app-0": 0])
    XCTAssertEqual(latest.schema.fields.map(\.name), ["id", "name"])
  }

  func testConflictRules() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try DeltaTable.create(at: directory.url, schema: schema)
    let first = try DeltaTable.open(at: directory.url)
    let second = try DeltaTable.open(at: directory.url)
    let one = try add(directory.url, [1])
    let two = try add(directory.url, [2])
    XCTAssertEqual(try first.commit(actions: [.add(one)], appTransactions: [("p0", 5)]), 1)
    // A stale writer appending under another app id simply lands at the next version.
    XCTAssertEqual(try second.commit(actions: [.add(two)], appTransactions: [("p1", 7)]), 2)
    // The same app id set concurrently: exactly one writer may advance it.
    let stale = try DeltaTable.open(at: directory.url)
    XCTAssertEqual(try first.commit(actions: [], appTransactions: [("p0", 6)]), 3)
    XCTAssertThrowsError(try stale.commit(actions: [.add(two)], appTransactions: [("p0", 6)])) {
      XCTAssertEqual($0 as? DeltaError, .concurrentTransaction(appId: "p0", version: 3))
    }
    // Compaction and appends do not conflict; two removes of one file do.
    let compactor = try DeltaTable.open(at: directory.url)
    let remover = try DeltaTable.open(at: directory.url)
    XCTAssertEqual(try first.commit(actions: [.add(try add(directory.url, [3]))]), 4)
    let now = DeltaTable.nowMilliseconds()
    var merged = try add(directory.url, [1, 2])
    merged.dataChange = false
    XCTAssertEqual(
      try compactor.commit(actions: [
        .add(merged), .remove(RemoveFile(removing: one, at: now, dataChange: false)),
        .remove(RemoveFile(removing: two, at: now, dataChange: false)),
      ]), 5)
    XCTAssertThrowsError(
      try remover.commit(actions: [.remove(RemoveFile(removing: one, at: now, dataChange: true))])
    ) {
      XCTAssertEqual($0 as? DeltaError, .concurrentDelete(path: one.path, version: 5))
    }
    // A concurrent schema change conflicts with everything that read the old metadata.
    let writer = try DeltaTable.open(at: directory.url)
    try first.addColumns([DeltaField("country", .string)])
    XCTAssertThrowsError(try writer.commit(actions: [.add(try add(directory.url, [4]))])) {
      XCTAssertEqual($0 as? DeltaError, .concurrentMetadataChange(version: 6))
    }
    // Commits build on the state last read through the handle: re-read, then retry.
    XCTAssertThrowsError(try writer.commit(actions: [.add(try add(directory.url, [4]))]))
    XCTAssertEqual(try writer.snapshot().version, 6)
    XCTAssertEqual(try writer.commit(actions: [.add(try add(directory.url, [4]))]), 7)
    let read = try PythonDelta.readVersions(table: directory.url, appIds: ["p0", "p1"])
    XCTAssertEqual(read.ids.last, [1, 2, 3, 4])
    XCTAssertEqual(read.transactions, ["p0": 6, "p1": 7])
    XCTAssertEqual(
      try second.snapshot().schema.fields.map(\.name), ["id", "name", "country"])
  }

  func testAHandleFarBehindCatchesUpWithoutSpendingRetries() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let busy = try DeltaTable.create(at: directory.url, schema: TestRows.schema)
    let behind = try DeltaTable.open(
      at: directory.url, options: .init(checkpointInterval: 1000, maxCommitAttempts: 2))
    for index in 0..<30 { try busy.append(TestRows.columns([Int64(index)])) }
    let version = try behind.append(TestRows.columns([30]), appTransactions: [("late-app", 1)])
    XCTAssertEqual(version, 31)
    XCTAssertEqual(try busy.snapshot().files.count, 31)
    let read = try PythonDelta.readRows(table: directory.url, appIds: ["late-app"])
    XCTAssertEqual(read.rows.last, TestRows.expected((0...30).map { Int64($0) }))
    XCTAssertEqual(read.transactions.last, ["late-app": 1])
  }

  func testThreadsAppendingAtOnceLoseNothing() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try DeltaTable.create(at: directory.url, schema: TestRows.schema)
    let writers = 4
    let commitsPerWriter = 15
    let failures = LockedErrors()
    DispatchQueue.concurrentPerform(iterations: writers) { writer in
      do {
        let table = try DeltaTable.open(at: directory.url)
        for index in 0..<commitsPerWriter {
          try table.append(
            TestRows.columns([Int64(writer * 1000 + index)]),
            appTransactions: [("w\(writer)", Int64(index))])
        }
      } catch {
        failures.append(error)
      }
    }
    XCTAssertEqual(failures.errors.count, 0, "\(failures.errors)")
    let table = try DeltaTable.open(at: directory.url)
    let snapshot = try table.snapshot()
    XCTAssertEqual(snapshot.version, Int64(writers * commitsPerWriter))
    XCTAssertEqual(snapshot.files.count, writers * commitsPerWriter)
    for writer in 0..<writers {
      XCTAssertEqual(snapshot.transactionVersion(appId: "w\(writer)"), Int64(commitsPerWriter - 1))
    }
    let records = try table.commits(after: 0)
    XCTAssertEqual(records.map(\.version), Array(1...Int64(writers * commitsPerWriter)))
    XCTAssertTrue(records.allSatisfy { $0.addedFiles.count == 1 && $0.transactions.count == 1 })
    // deltalake reads every version, each one row more than the one before.
    let read = try PythonDelta.readVersions(table: directory.url, appIds: ["w0", "w3"])
    XCTAssertEqual(read.ids.map(\.count), Array(0...(writers * commitsPerWriter)))
    let allIds = (0..<writers).flatMap { writer in
      (0..<commitsPerWriter).map { Int64(writer * 1000 + $0) }
    }
    XCTAssertEqual(read.ids.last, allIds.sorted())
    XCTAssertEqual(
      read.transactions, ["w0": Int64(commitsPerWriter - 1), "w3": Int64(commitsPerWriter - 1)])
  }

  func testTimeTravelByTimestamp() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try DeltaTable.create(at: directory.url, schema: TestRows.schema)
    for index in 1...3 { try table.append(TestRows.columns([Int64(index)])) }
    let base = Date(timeIntervalSince1970: 1_700_000_000)
    for version in Int64(0)...3 {
      try FileManager.default.setAttributes(
        [.modificationDate: base.addingTimeInterval(Double(version) * 60)],
        ofItemAtPath: table.log.commitURL(version).path)
    }
    XCTAssertEqual(try table.snapshot(asOf: base.addingTimeInterval(90)).version, 1)
    XCTAssertEqual(try table.snapshot(asOf: base.addingTimeInterval(120)).version, 2)
    XCTAssertEqual(try table.snapshot(asOf: base.addingTimeInterval(1e6)).version, 3)
    // deltalake resolves the same times to the same versions.
    let code = """
      import sys, datetime
      from deltalake import DeltaTable
      for offset in (90, 120, 1000000):
          dt = DeltaTable(sys.argv[1])
          dt.load_as_version(datetime.datetime.fromtimestamp(1700000000 + offset, datetime.timezone.utc))
          print(dt.version())
      """
    XCTAssertEqual(try Python.run(code, [directory.path]), "1\n2\n3\n")
    XCTAssertEqual(try table.snapshot(version: 2).timestamp, base.addingTimeInterval(120))
    XCTAssertThrowsError(try table.snapshot(asOf: base.addingTimeInterval(-1))) {
      guard case DeltaError.timestampBeforeFirstCommit = $0 else { return XCTFail("\($0)") }
    }
    XCTAssertEqual(try table.commits(after: 1).map(\.version), [2, 3])
    XCTAssertEqual(try table.commits(after: 3).count, 0)
  }

  func testDamagedLogIsReportedNeverReadPartially() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try DeltaTable.create(at: directory.url, schema: TestRows.schema)
    for index in 1...4 { try table.append(TestRows.columns([Int64(index)])) }
    let healthy = try PythonDelta.readRows(table: directory.url)
    XCTAssertEqual(healthy.rows.last, TestRows.expected([1, 2, 3, 4]))
    let third = table.log.commitURL(3)
    let good = try Data(contentsOf: third)
    try Data("{\"add\": {\"path\": 12}}\n".utf8).write(to: third)
    XCTAssertThrowsError(try DeltaTable.open(at: directory.url)) {
      guard case DeltaError.corruptLogEntry(3, 1, _) = $0 else { return XCTFail("\($0)") }
    }
    XCTAssertThrowsError(try table.commits(after: 1)) {
      guard case DeltaError.corruptLogEntry(3, _, _) = $0 else { return XCTFail("\($0)") }
    }
    XCTAssertEqual(try table.snapshot(version: 2).files.count, 2)
    try FileManager.default.removeItem(at: third)
    XCTAssertThrowsError(try DeltaTable.open(at: directory.url)) {
      XCTAssertEqual($0 as? DeltaError, .missingLogEntry(version: 3))
    }
    XCTAssertThrowsError(try table.commits(after: 0)) {
      XCTAssertEqual($0 as? DeltaError, .missingLogEntry(version: 3))
    }
    try good.write(to: third)
    XCTAssertEqual(try DeltaTable.open(at: directory.url).snapshot().files.count, 4)
    XCTAssertThrowsError(try DeltaTable.open(at: directory.url.appendingPathComponent("nope"))) {
      guard case DeltaError.tableNotFound = $0 else { return XCTFail("\($0)") }
    }
    XCTAssertThrowsError(try DeltaTable.create(at: directory.url, schema: schema)) {
      guard case DeltaError.tableAlreadyExists = $0 else { return XCTFail("\($0)") }
    }
  }
}

/// Errors collected from several threads.
final class LockedErrors: @unchecked Sendable {
  private let lock = NSLock()
  private var collected: [any Error] = []
  func append(_ error: any Error) { lock.withLock { collected.append(error) } }
  var errors: [any Error] { lock.withLock { collected } }
}
