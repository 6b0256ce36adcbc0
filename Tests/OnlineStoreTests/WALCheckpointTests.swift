import Foundation
import TestSupport
import XCTest

@testable import OnlineStore

/// The store turns SQLite's in-commit checkpoint off and checkpoints on a thread of its own.
final class WALCheckpointTests: OnlineStoreTestCase {
  private func size(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
  }

  func testCommittedPagesReachTheDatabaseFileWithoutACommitCheckpointing() throws {
    let store = try openSQLiteStore()
    let initial = size(store.databasePath)
    var offset: Int64 = 0
    for batch in 0..<20 {
      let writes = (0..<200).map { index -> OnlineWrite in
        offset += 1
        return user("u\(batch)-\(index)", clicks: offset, at: offset, offset: offset)
      }
      try apply(store, writes)
    }
    // 4,000 rows are far more than the empty database: they got there only by checkpoints.
    let deadline = Date().addingTimeInterval(5)
    while size(store.databasePath) <= initial + 65_536 && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.05)
    }
    XCTAssertGreaterThan(size(store.databasePath), initial + 65_536)
    store.close()
    let reopened = try openSQLiteStore()
    XCTAssertEqual(try reopened.count(group: "user_stats"), 4000)
    XCTAssertEqual(try clicks(reopened, "u19-199"), 4000)
  }
}

/// Under steady commits a passive checkpoint seldom finds every frame copied, so the log
/// would only grow; the checkpointer starts it over once it reaches `restartFrames`.
final class WALRestartTests: OnlineStoreTestCase {
  func testSteadyCommitsKeepTheLogBoundedAndLoseNothing() throws {
    let store = try openSQLiteStore()
    try store.state().checkpointer?.restartFrames = 64
    let users = 2_000
    var offset: Int64 = 1
    try apply(store, (0..<users).map { user("u\($0)", clicks: 0, at: 1, offset: 0) })
    var latest = [Int64](repeating: 0, count: users)
    var random = SplitMix64(seed: 11)
    var largestLog = 0
    for _ in 0..<300 {
      var writes: [OnlineWrite] = []
      var touched = Set<Int>()
      while writes.count < 100 {
        let index = Int(random.next() % UInt64(users))
        guard touched.insert(index).inserted else { continue }
        offset += 1
        latest[index] = offset
        writes.append(user("u\(index)", clicks: offset, at: offset, offset: offset))
      }
      try apply(store, writes)
      largestLog = max(largestLog, size(store.databasePath + "-wal"))
    }
    // 300 commits of ~40 pages each: ~50 MB of log without restarts. 64 frames are 264 KB;
    // the log may pass that by what commits while a checkpoint runs.
    XCTAssertGreaterThan(try XCTUnwrap(store.state().checkpointer).restarts, 0)
    XCTAssertLessThan(largestLog, 4 << 20, "the log grew to \(largestLog) bytes")
    store.close()
    let reopened = try openSQLiteStore()
    for index in stride(from: 0, to: users, by: 7) where latest[index] > 0 {
      XCTAssertEqual(try clicks(reopened, "u\(index)"), latest[index], "u\(index)")
    }
  }

  /// A reader holding a snapshot keeps the log from restarting; the checkpointer then
  /// tries again a second later, not after every passive checkpoint (each try holds the
  /// writer off for up to ~20 ms).
  func testAReaderHoldingTheLogIsWaitedForOnceASecondAtMost() throws {
    let store = try openSQLiteStore()
    let checkpointer = try XCTUnwrap(store.state().checkpointer)
    checkpointer.restartFrames = 16
    try apply(store, (0..<2_000).map { user("u\($0)", clicks: 0, at: 1, offset: 0) })
    let reader = try SQLiteConnection(path: store.databasePath, readOnly: true)
    try reader.execute("BEGIN")
    XCTAssertNotNil(try reader.scalarText("SELECT count(*) FROM user_stats_v1"))
    let start = Date()
    var offset: Int64 = 1
    for round in 0..<200 {
      offset += 1
      try apply(
        store,
        (0..<100).map {
          user("u\((round * 100 + $0) % 2_000)", clicks: offset, at: offset, offset: offset)
        })
    }
    // Give the checkpointer time to look at the last commits.
    Thread.sleep(forTimeInterval: 0.3)
    let seconds = Date().timeIntervalSince(start)
    try reader.execute("COMMIT")
    XCTAssertEqual(checkpointer.restarts, 0)
    XCTAssertGreaterThan(checkpointer.refusedRestarts, 0)
    XCTAssertLessThanOrEqual(checkpointer.refusedRestarts, Int(seconds) + 1)
    store.close()
  }

  private func size(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
  }
}
