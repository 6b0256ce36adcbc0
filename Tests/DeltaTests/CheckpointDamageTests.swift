import Foundation
import Parquet
import TestSupport
import XCTest

@testable import Delta

/// A damaged or missing checkpoint is an error, never a silently shorter table.
final class CheckpointDamageTests: XCTestCase {
  private func tableWithCheckpoint(_ directory: TemporaryDirectory) throws -> DeltaTable {
    let table = try DeltaTable.create(
      at: directory.url, schema: TestRows.schema, options: .init(checkpointInterval: 3))
    for batch in 0..<4 {
      try table.append(TestRows.columns([Int64(batch)]), appTransactions: [("app", Int64(batch))])
    }
    XCTAssertNil(table.checkpointFailure)
    return table
  }

  func testCheckpointReplacesTheCommitsBeforeIt() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try tableWithCheckpoint(directory)
    let segment = try table.log.segment(version: nil)
    XCTAssertEqual(segment.checkpoint?.version, 3)
    XCTAssertEqual(segment.commitVersions, [4])
    let fromCheckpoint = try table.log.replay(segment)
    let fromCommits = try table.log.replay(
      LogSegment(version: 4, checkpoint: nil, commitVersions: Array(0...4)))
    XCTAssertEqual(fromCheckpoint.orderedFiles, fromCommits.orderedFiles)
    XCTAssertEqual(fromCheckpoint.transactions, fromCommits.transactions)
    XCTAssertEqual(fromCheckpoint.metadata, fromCommits.metadata)
    XCTAssertEqual(fromCheckpoint.tableProtocol, fromCommits.tableProtocol)
  }

  func testMissingCheckpointNamedByLastCheckpointIsAnError() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try tableWithCheckpoint(directory)
    let checkpoint = table.log.logURL.appendingPathComponent(LogFileName.checkpoint(3))
    try FileManager.default.removeItem(at: checkpoint)
    XCTAssertThrowsError(try DeltaTable.open(at: directory.url)) {
      guard case DeltaError.corruptCheckpoint(3, _) = $0 else { return XCTFail("\($0)") }
    }
  }

  func testUnreadableCheckpointIsAnError() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try tableWithCheckpoint(directory)
    let checkpoint = table.log.logURL.appendingPathComponent(LogFileName.checkpoint(3))
    var bytes = try Data(contentsOf: checkpoint)
    bytes.replaceSubrange(8..<min(bytes.count - 8, 400), with: Data(repeating: 0xAB, count: 392))
    try bytes.write(to: checkpoint)
    XCTAssertThrowsError(try DeltaTable.open(at: directory.url)) {
      guard case DeltaError.corruptCheckpoint(3, _) = $0 else { return XCTFail("\($0)") }
    }
    try Data("garbage".utf8).write(to: checkpoint)
    XCTAssertThrowsError(try DeltaTable.open(at: directory.url)) {
      guard case DeltaError.corruptCheckpoint(3, _) = $0 else { return XCTFail("\($0)") }
    }
  }

  func testCorruptLastCheckpointIsAnError() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try tableWithCheckpoint(directory)
    try Data("{\"version\":".utf8).write(
      to: table.log.logURL.appendingPathComponent(LogFileName.lastCheckpoint))
    XCTAssertThrowsError(try DeltaTable.open(at: directory.url)) {
      guard case DeltaError.corruptLastCheckpoint = $0 else { return XCTFail("\($0)") }
    }
  }

  func testStaleHandleRefreshesAcrossLogCleanup() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let stale = try DeltaTable.create(at: directory.url, schema: TestRows.schema)
    let writer = try DeltaTable.open(at: directory.url, options: .init(checkpointInterval: 5))
    for batch in 0..<6 { try writer.append(TestRows.columns([Int64(batch)])) }
    for version in Int64(0)...4 {
      try FileManager.default.removeItem(at: writer.log.commitURL(version))
    }
    let snapshot = try stale.snapshot()
    XCTAssertEqual(snapshot.version, 6)
    XCTAssertEqual(TestRows.rows(try stale.read()), TestRows.expected((0..<6).map { Int64($0) }))
  }

  /// Splits the single-file checkpoint at version 3 into two parts, as other engines write
  /// large checkpoints.
  private func splitCheckpoint(_ table: DeltaTable) throws {
    let log = table.log.logURL
    let single = log.appendingPathComponent(LogFileName.checkpoint(3))
    let rows = try ParquetReader(path: single.path).readRows()
    let half = rows.count / 2
    for (part, slice) in [(1, rows[..<half]), (2, rows[half...])] {
      let name = LogFileName.checkpointPart(3, part: part, parts: 2)
      let writer = try ParquetWriter(
        path: log.appendingPathComponent(name).path,
        schema: try ParquetSchema(CheckpointSchema.fields))
      try writer.write(rows: Array(slice))
      _ = try writer.close(sync: true)
    }
    try FileManager.default.removeItem(at: single)
    try LastCheckpoint(
      version: 3, size: Int64(rows.count), parts: 2, sizeInBytes: nil, numOfAddFiles: 4
    )
    .write(logDirectory: log)
  }

  func testMultiPartCheckpointIsReadWholeOrNotAtAll() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let table = try tableWithCheckpoint(directory)
    try splitCheckpoint(table)
    for version in Int64(0)...3 {
      try FileManager.default.removeItem(at: table.log.commitURL(version))
    }
    let reopened = try DeltaTable.open(at: directory.url)
    XCTAssertEqual(try reopened.log.segment(version: nil).checkpoint?.fileNames.count, 2)
    XCTAssertEqual(TestRows.rows(try reopened.read()), TestRows.expected([0, 1, 2, 3]))
    XCTAssertEqual(try reopened.snapshot().transactionVersion(appId: "app"), 3)
    let latest = try Python.run(
      """
      import sys
      from deltalake import DeltaTable
      dt = DeltaTable(sys.argv[1])
      print(dt.version(), sorted(dt.to_pyarrow_table().column("id").to_pylist()), dt.transaction_version("app"))
      """, [directory.path])
    XCTAssertEqual(latest, "4 [0, 1, 2, 3] 3\n")
    try FileManager.default.removeItem(
      at: table.log.logURL.appendingPathComponent(LogFileName.checkpointPart(3, part: 2, parts: 2)))
    XCTAssertThrowsError(try DeltaTable.open(at: directory.url)) {
      guard case DeltaError.corruptCheckpoint(3, _) = $0 else { return XCTFail("\($0)") }
    }
  }
}
