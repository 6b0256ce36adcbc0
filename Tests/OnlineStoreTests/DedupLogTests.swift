import Foundation
import XCTest

@testable import OnlineStore

final class DedupLogTests: OnlineStoreTestCase {
  func testEntriesRoundTripInAppendOrderWithTheDocumentedLayout() throws {
    var store = try openSQLiteStore()
    let entries = (0..<1_000).map {
      dedupEntry(UInt64($0), partition: Int32($0 % 7) - 3, offset: Int64($0) - 500)
    }
    _ = try store.apply(OnlineBatch(dedupEntries: Array(entries[0..<400])))
    _ = try store.apply(OnlineBatch(dedupEntries: Array(entries[400...])))
    store.close()
    store = try openSQLiteStore()
    XCTAssertEqual(try store.loadDedupEntries(), entries)
    XCTAssertEqual(try store.dedupEntryCount(), 1_000)

    // The file is the documented fixed-size layout: 16-byte key hash, fingerprint u64 LE,
    // partition i32 LE, offset i64 LE, log clock ms i64 LE, table tag u16 LE, two zero bytes.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: store.directory + "/dedup.log"))
    XCTAssertEqual(bytes.count, 1_000 * 48)
    let hash = try XCTUnwrap(DedupKeyHash(bytes: Array(bytes[0..<16])))
    XCTAssertEqual(hash, entries[0].keyHash)
    XCTAssertEqual(hash.bytes, Array(bytes[0..<16]))
    let second = Array(bytes[48..<96])
    func little<T: FixedWidthInteger>(_ range: Range<Int>, as _: T.Type) -> T {
      second[range].reversed().reduce(T.zero) { $0 << 8 | T($1) }
    }
    XCTAssertEqual(little(16..<24, as: UInt64.self), entries[1].fingerprint)
    XCTAssertEqual(Int32(bitPattern: little(24..<28, as: UInt32.self)), entries[1].partition)
    XCTAssertEqual(Int64(bitPattern: little(28..<36, as: UInt64.self)), entries[1].offset)
    XCTAssertEqual(Int64(bitPattern: little(36..<44, as: UInt64.self)), entries[1].clockMillis)
    XCTAssertEqual(little(44..<46, as: UInt16.self), entries[1].tableTag)
    XCTAssertEqual(little(46..<48, as: UInt16.self), 0)
  }

  func testATailBeyondTheCommittedLengthIsCutOnReopen() throws {
    var store = try openSQLiteStore()
    _ = try store.apply(OnlineBatch(dedupEntries: [dedupEntry(1), dedupEntry(2)]))
    store.close()
    // What a crash between the append and the commit leaves: whole records and a torn one.
    let path = dataDirectory.path + "/online/dedup.log"
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(repeating: 0xEE, count: 48 * 3 + 17))
    try handle.close()
    XCTAssertEqual(try fileSize(path), 48 * 5 + 17)

    store = try openSQLiteStore()
    XCTAssertEqual(try fileSize(path), 96)
    XCTAssertEqual(try store.loadDedupEntries(), [dedupEntry(1), dedupEntry(2)])
    _ = try store.apply(OnlineBatch(dedupEntries: [dedupEntry(3)]))
    XCTAssertEqual(try store.loadDedupEntries(), [dedupEntry(1), dedupEntry(2), dedupEntry(3)])
  }

  func testAFileShorterThanTheCommittedLengthIsReportedNotSilentlyAccepted() throws {
    let store = try openSQLiteStore()
    _ = try store.apply(OnlineBatch(dedupEntries: [dedupEntry(1), dedupEntry(2)]))
    store.close()
    XCTAssertEqual(truncate(dataDirectory.path + "/online/dedup.log", 50), 0)
    XCTAssertThrowsError(try openSQLiteStore()) { error in
      guard case .dedupLogCorrupt(_, let reason) = error as? OnlineStoreError else {
        return XCTFail("unexpected \(error)")
      }
      XCTAssertTrue(reason.contains("96"), reason)
    }
  }

  func testCompactionKeepsTheLiveEntriesAndAppendsContinue() throws {
    var store = try openSQLiteStore()
    let entries = (0..<100).map { dedupEntry(UInt64($0)) }
    _ = try store.apply(OnlineBatch(dedupEntries: entries))
    let live = entries.filter { $0.offset % 3 == 0 }
    try store.compactDedupLog(liveEntries: live)
    XCTAssertEqual(try store.loadDedupEntries(), live)
    _ = try store.apply(OnlineBatch(dedupEntries: [dedupEntry(500)]))
    try store.compactDedupLog(liveEntries: live + [dedupEntry(500)])
    store.close()
    store = try openSQLiteStore()
    XCTAssertEqual(try store.loadDedupEntries(), live + [dedupEntry(500)])
    // Only the log in force is on disk.
    let logs = try FileManager.default.contentsOfDirectory(atPath: store.directory).filter {
      $0.hasSuffix(".log")
    }
    XCTAssertEqual(logs, ["dedup.2.log"])
    try store.compactDedupLog(liveEntries: [])
    XCTAssertEqual(try store.loadDedupEntries(), [])
  }

  func testCompactionInterruptedBeforeTheSwitchLeavesTheOldLogInForce() throws {
    let store = try openSQLiteStore()
    let entries = (0..<50).map { dedupEntry(UInt64($0)) }
    _ = try store.apply(OnlineBatch(dedupEntries: entries))

    // A crash before the switch: the new file is complete on disk, the database still names
    // the old one.
    var snapshot: String?
    store.faultInjection = { point in
      if point == .compactionBeforeSwitch {
        snapshot = try self.crashSnapshot(of: store)
        throw InjectedFault()
      }
    }
    XCTAssertThrowsError(try store.compactDedupLog(liveEntries: Array(entries.prefix(5))))
    // In this process: the old log stays in force, the half-made one is gone.
    XCTAssertEqual(try store.loadDedupEntries(), entries)
    XCTAssertFalse(FileManager.default.fileExists(atPath: store.directory + "/dedup.1.log"))
    store.faultInjection = nil
    _ = try store.apply(OnlineBatch(dedupEntries: [dedupEntry(99)]))
    XCTAssertEqual(try store.loadDedupEntries(), entries + [dedupEntry(99)])

    // After the crash: the snapshot holds both files; opening keeps the old and removes the new.
    let crashed = try XCTUnwrap(snapshot)
    XCTAssertTrue(FileManager.default.fileExists(atPath: crashed + "/online/dedup.1.log"))
    let recovered = try openSQLiteStore(at: crashed)
    XCTAssertEqual(try recovered.loadDedupEntries(), entries)
    XCTAssertFalse(FileManager.default.fileExists(atPath: crashed + "/online/dedup.1.log"))
    // The next compaction reuses the generation number without harm.
    try recovered.compactDedupLog(liveEntries: Array(entries.prefix(5)))
    XCTAssertEqual(try recovered.loadDedupEntries(), Array(entries.prefix(5)))
  }

  func testACrashAfterTheSwitchKeepsTheNewLogAndRemovesTheOld() throws {
    let store = try openSQLiteStore()
    let entries = (0..<20).map { dedupEntry(UInt64($0)) }
    _ = try store.apply(OnlineBatch(dedupEntries: entries))
    try store.compactDedupLog(liveEntries: Array(entries.suffix(3)))
    store.close()
    // The old file still there, as if the process died before removing it.
    let old = dataDirectory.path + "/online/dedup.log"
    XCTAssertTrue(
      FileManager.default.createFile(atPath: old, contents: Data(repeating: 1, count: 48 * 20)))
    let reopened = try openSQLiteStore()
    XCTAssertEqual(try reopened.loadDedupEntries(), Array(entries.suffix(3)))
    XCTAssertFalse(FileManager.default.fileExists(atPath: old))
  }

  /// A store from before entries named their table: its `_idemstream_dedup_log` has no
  /// record size and its log 44-byte records. Read-only, the entries read with their table
  /// unknown; opened for writing, the log is rewritten once and appends continue.
  func testALogOfFortyFourByteRecordsIsReadAndRewritten() throws {
    var store = try openSQLiteStore()
    let entries = (0..<10).map { dedupEntry(UInt64($0)) }
    _ = try store.apply(OnlineBatch(dedupEntries: entries))
    store.close()
    let path = dataDirectory.path + "/online/dedup.log"
    let current = try Data(contentsOf: URL(fileURLWithPath: path))
    let legacy = stride(from: 0, to: current.count, by: 48).reduce(into: Data()) {
      $0 += current[$1..<$1 + 44]
    }
    try legacy.write(to: URL(fileURLWithPath: path))
    do {
      let connection = try SQLiteConnection(
        path: dataDirectory.path + "/online/online.db", readOnly: false)
      try connection.execute(
        """
        ALTER TABLE _idemstream_dedup_log DROP COLUMN record_size;
        UPDATE _idemstream_dedup_log SET committed_length = \(legacy.count)
        """)
    }
    var unknown = entries
    for index in unknown.indices { unknown[index].tableTag = DedupEntryRecord.unknownTable }

    store = try openSQLiteStore(access: .readOnly)
    XCTAssertEqual(try store.loadDedupEntries(), unknown)
    store.close()
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), legacy, "read-only")

    store = try openSQLiteStore()
    XCTAssertEqual(try store.loadDedupEntries(), unknown)
    _ = try store.apply(OnlineBatch(dedupEntries: [dedupEntry(99)]))
    store.close()
    store = try openSQLiteStore()
    XCTAssertEqual(try store.loadDedupEntries(), unknown + [dedupEntry(99)])
    XCTAssertEqual(try store.dedupEntryCount(), 11)
    XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the legacy file is gone")
  }
}
