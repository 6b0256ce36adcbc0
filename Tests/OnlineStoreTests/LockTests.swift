import Foundation
import XCTest

@testable import OnlineStore

final class LockTests: OnlineStoreTestCase {
  func testASecondOpenInTheSameProcessFailsFastUntilTheFirstCloses() throws {
    let first = try openSQLiteStore()
    let started = Date()
    XCTAssertThrowsError(try openSQLiteStore()) { error in
      guard case .locked(let path, let holder) = error as? OnlineStoreError else {
        return XCTFail("unexpected \(error)")
      }
      XCTAssertTrue(path.hasSuffix("/online/online.lock"), path)
      XCTAssertEqual(holder, ProcessInfo.processInfo.processIdentifier)
      XCTAssertTrue("\(error)".contains("in use"), "\(error)")
    }
    XCTAssertLessThan(Date().timeIntervalSince(started), 1, "fails fast, never waits")
    first.close()
    let second = try openSQLiteStore()
    try apply(second, [user("u1", clicks: 1, at: 1, offset: 0)])
    XCTAssertEqual(try clicks(second, "u1"), 1)
  }

  func testAnotherProcessHoldingTheLockIsRefused() throws {
    // A child shell takes the lock with flock(1) on its descriptor 9, then becomes `sleep`
    // (exec keeps the descriptor and so the lock): one process, whose end frees the lock.
    try FileManager.default.createDirectory(
      atPath: dataDirectory.path + "/online", withIntermediateDirectories: true)
    let lockPath = dataDirectory.path + "/online/online.lock"
    let ready = dataDirectory.path + "/child-ready"
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/bin/sh")
    child.arguments = [
      "-c", "exec 9>>'\(lockPath)' && flock --exclusive 9 && touch '\(ready)' && exec sleep 30",
    ]
    try child.run()
    defer {
      child.terminate()
      child.waitUntilExit()
    }
    let deadline = Date().addingTimeInterval(10)
    while !FileManager.default.fileExists(atPath: ready) && Date() < deadline { usleep(10_000) }
    XCTAssertTrue(FileManager.default.fileExists(atPath: ready), "the child took the lock")

    XCTAssertThrowsError(try openSQLiteStore()) { error in
      guard case .locked = error as? OnlineStoreError else { return XCTFail("unexpected \(error)") }
    }
    child.terminate()
    child.waitUntilExit()
    // The lock dies with its holder.
    XCTAssertNoThrow(try openSQLiteStore().close())
  }
}

/// Readers beside a writer, and a closed store, against every backend
/// (`PostgresReadOnlyAccessTests`).
class ReadOnlyAccessTests: OnlineStoreContractTestCase {
  func testAReadOnlyStoreReadsWhileTheWriterHoldsTheLock() throws {
    let writer = try openStore()
    _ = try writer.apply(
      OnlineBatch(
        writes: ["user_stats": [user("u1", clicks: 1, at: 1, offset: 0)]],
        dedupEntries: [dedupEntry(1)],
        positions: [PartitionPosition(table: "user_stats_v1", topic: "t", partition: 0, offset: 0)])
    )
    let reader = try openStore(access: .readOnly)
    XCTAssertEqual(try clicks(reader, "u1"), 1)
    XCTAssertEqual(try reader.positions().count, 1)
    XCTAssertEqual(try reader.loadDedupEntries(), [dedupEntry(1)])
    XCTAssertThrowsError(try apply(reader, [user("u2", clicks: 1, at: 1, offset: 1)])) { error in
      XCTAssertEqual(error as? OnlineStoreError, .readOnly)
    }
    // The reader sees the writer's later commits.
    try apply(writer, [user("u1", clicks: 2, at: 2, offset: 1)])
    XCTAssertEqual(try clicks(reader, "u1"), 2)
  }

  func testAReadOnlyStoreOpensAfterTheWriterClosedAndNeedsAnExistingStore() throws {
    XCTAssertThrowsError(try openStore(access: .readOnly), "no store yet")
    let writer = try openStore()
    try apply(writer, [user("u1", clicks: 7, at: 1, offset: 0)])
    writer.close()
    let reader = try openStore(access: .readOnly)
    XCTAssertEqual(try clicks(reader, "u1"), 7)
    // A reader does not hold the lock: a writer can open beside it.
    let writerAgain = try openStore()
    try apply(writerAgain, [user("u1", clicks: 8, at: 2, offset: 1)])
    XCTAssertEqual(try clicks(reader, "u1"), 8)
  }

  func testAClosedStoreRefusesCalls() throws {
    let store = try openStore()
    store.close()
    XCTAssertThrowsError(try store.count(group: "user_stats")) { error in
      XCTAssertEqual(error as? OnlineStoreError, .closed)
    }
  }
}
