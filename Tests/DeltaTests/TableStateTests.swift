import XCTest

@testable import Delta

final class TableStateTests: XCTestCase {
  private func add(_ path: String) -> DeltaAction {
    .add(AddFile(path: path, size: 1, modificationTime: 0))
  }

  private func remove(_ path: String) -> DeltaAction {
    .remove(RemoveFile(path: path, deletionTimestamp: 5, dataChange: true))
  }

  func testReplayKeepsLiveFilesInAddOrder() {
    var state = TableState()
    state.apply([add("a"), add("b"), add("c")], version: 0)
    state.apply(
      [remove("b"), add("d"), .transaction(AppTransaction(appId: "x", version: 1))], version: 1)
    state.apply([add("a"), .transaction(AppTransaction(appId: "x", version: 2))], version: 2)
    XCTAssertEqual(
      state.orderedFiles.map(\.path), ["c", "d", "a"], "re-adding a path moves it last")
    XCTAssertEqual(state.fileCount, 3)
    XCTAssertEqual(state.transactions["x"]?.version, 2)
    XCTAssertEqual(Set(state.tombstones.keys), ["b"])
    state.apply([add("b")], version: 3)
    XCTAssertTrue(state.tombstones.isEmpty, "a re-added file is no tombstone")
    XCTAssertEqual(state.version, 3)
  }

  func testManyRemovesCompactTheSlotsWithoutChangingOrder() {
    var state = TableState()
    state.apply((0..<3000).map { add("f\($0)") }, version: 0)
    state.apply((0..<3000).filter { $0 % 3 != 0 }.map { remove("f\($0)") }, version: 1)
    state.apply([add("last")], version: 2)
    let expected = (0..<3000).filter { $0 % 3 == 0 }.map { "f\($0)" } + ["last"]
    XCTAssertEqual(state.orderedFiles.map(\.path), expected)
    state.apply([remove("f0")], version: 3)
    XCTAssertEqual(state.orderedFiles.map(\.path), Array(expected.dropFirst()))
    XCTAssertEqual(state.fileCount, expected.count - 1)
  }
}
