import Foundation
import XCTest

@testable import Delta

final class LogSegmentTests: XCTestCase {
  func testParsesLogFileNames() {
    XCTAssertEqual(LogFileName("00000000000000000012.json"), .commit(version: 12))
    XCTAssertEqual(LogFileName("00000000000000000010.checkpoint.parquet"), .checkpoint(version: 10))
    XCTAssertEqual(
      LogFileName("00000000000000000010.checkpoint.0000000002.0000000003.parquet"),
      .checkpointPart(version: 10, part: 2, parts: 3))
    for name in [
      "_last_checkpoint", ".00000000000000000001.json.x.tmp", "00000000000000000001.crc",
      "0000000000000000001.json", "00000000000000000001.json.tmp",
      "00000000000000000010.checkpoint.0000000004.0000000003.parquet",
    ] {
      XCTAssertNil(LogFileName(name), name)
    }
    XCTAssertEqual(LogFileName.commit(12), "00000000000000000012.json")
    XCTAssertEqual(
      LogFileName.checkpointPart(3, part: 1, parts: 2),
      "00000000000000000003.checkpoint.0000000001.0000000002.parquet")
  }

  private func listing(commits: ClosedRange<Int64>?, extra: [Int64] = [], checkpoints: [Int64] = [])
    -> LogListing
  {
    LogListing(
      commitVersions: (commits.map(Array.init) ?? []) + extra,
      checkpoints: checkpoints.map { .init(version: $0, fileNames: [LogFileName.checkpoint($0)]) },
      incompleteCheckpoints: [])
  }

  func testUsesNewestCheckpointAtOrBeforeTheVersion() throws {
    let log = listing(commits: 0...25, checkpoints: [10, 20])
    let latest = try LogSegment.build(
      listing: log, lastCheckpoint: nil, version: nil, tablePath: "t")
    XCTAssertEqual(latest.version, 25)
    XCTAssertEqual(latest.checkpoint?.version, 20)
    XCTAssertEqual(latest.commitVersions, Array(21...25))
    let old = try LogSegment.build(listing: log, lastCheckpoint: nil, version: 15, tablePath: "t")
    XCTAssertEqual(old.checkpoint?.version, 10)
    XCTAssertEqual(old.commitVersions, Array(11...15))
    let atCheckpoint = try LogSegment.build(
      listing: log, lastCheckpoint: nil, version: 20, tablePath: "t")
    XCTAssertEqual(atCheckpoint.commitVersions, [])
    let early = try LogSegment.build(listing: log, lastCheckpoint: nil, version: 3, tablePath: "t")
    XCTAssertNil(early.checkpoint)
    XCTAssertEqual(early.commitVersions, Array(0...3))
  }

  func testGapIsAnError() {
    let log = listing(commits: 0...4, extra: [6, 7])
    XCTAssertThrowsError(
      try LogSegment.build(listing: log, lastCheckpoint: nil, version: nil, tablePath: "t")
    ) {
      XCTAssertEqual($0 as? DeltaError, .missingLogEntry(version: 5))
    }
    XCTAssertNoThrow(
      try LogSegment.build(listing: log, lastCheckpoint: nil, version: 4, tablePath: "t"))
    // Commits before a checkpoint may be cleaned up; the checkpoint replaces them.
    let cleaned = listing(commits: 10...12, checkpoints: [10])
    XCTAssertNoThrow(
      try LogSegment.build(listing: cleaned, lastCheckpoint: nil, version: nil, tablePath: "t"))
    XCTAssertThrowsError(
      try LogSegment.build(listing: cleaned, lastCheckpoint: nil, version: 5, tablePath: "t")
    ) {
      XCTAssertEqual($0 as? DeltaError, .missingLogEntry(version: 0))
    }
  }

  func testVersionOutOfRangeAndEmptyLog() {
    let log = listing(commits: 0...2)
    XCTAssertThrowsError(
      try LogSegment.build(listing: log, lastCheckpoint: nil, version: 3, tablePath: "t")
    ) {
      XCTAssertEqual($0 as? DeltaError, .versionNotFound(version: 3, latest: 2))
    }
    XCTAssertThrowsError(
      try LogSegment.build(
        listing: listing(commits: nil), lastCheckpoint: nil, version: nil, tablePath: "t")
    ) {
      XCTAssertEqual($0 as? DeltaError, .tableNotFound(path: "t"))
    }
  }

  func testCheckpointNamedByHintMustBeComplete() {
    var log = listing(commits: 0...12)
    log.incompleteCheckpoints = [10]
    let hint = LastCheckpoint(version: 10, size: 4, parts: 2, sizeInBytes: nil, numOfAddFiles: nil)
    XCTAssertThrowsError(
      try LogSegment.build(listing: log, lastCheckpoint: hint, version: nil, tablePath: "t")
    ) {
      guard case DeltaError.corruptCheckpoint(10, _) = $0 else { return XCTFail("\($0)") }
    }
    // Time travel to before the hinted checkpoint does not need it.
    XCTAssertNoThrow(
      try LogSegment.build(listing: log, lastCheckpoint: hint, version: 9, tablePath: "t"))
  }

  func testListingGroupsMultiPartCheckpoints() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let names = [
      LogFileName.commit(0), LogFileName.commit(1),
      LogFileName.checkpointPart(1, part: 1, parts: 2),
      LogFileName.checkpointPart(1, part: 2, parts: 2),
      LogFileName.checkpointPart(2, part: 1, parts: 2),
      LogFileName.commit(2), "_last_checkpoint", ".tmp-file",
    ]
    for name in names {
      _ = FileManager.default.createFile(
        atPath: directory.appendingPathComponent(name).path, contents: Data())
    }
    let listing = try LogListing.read(logDirectory: directory)
    XCTAssertEqual(listing.commitVersions, [0, 1, 2])
    XCTAssertEqual(listing.checkpoints.map(\.version), [1])
    XCTAssertEqual(listing.checkpoints.first?.fileNames.count, 2)
    XCTAssertEqual(listing.incompleteCheckpoints, [2])
  }
}
