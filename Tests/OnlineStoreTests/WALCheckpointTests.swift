import Foundation
import XCTest

@testable import OnlineStore

/// The store turns SQLite's in-commit checkpoint off and checkpoints on a thread of its own.
final class WALCheckpointTests: OnlineStoreTestCase {
  private func size(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
  }

  func testCommittedPagesReachTheDatabaseFileWithoutACommitCheckpointing() throws {
    let store = try openStore()
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
    let reopened = try openStore()
    XCTAssertEqual(try reopened.count(group: "user_stats"), 4000)
    XCTAssertEqual(try clicks(reopened, "u19-199"), 4000)
  }
}
