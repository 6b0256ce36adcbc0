import OnlineStore
import TestSupport
import XCTest

@testable import Ingestion

/// `replay --dry-run` counts stale writes without writing: its counts must be those the
/// online store's own apply gives, tombstones included.
final class DryRunStateTests: XCTestCase {
  private let group = DecoderFixtures.config.featureGroups[0]

  private func write(_ id: String, at time: Int64, offset: Int64, delete: Bool = false)
    -> OnlineWrite
  {
    OnlineWrite(
      key: [.string(id)], eventTime: time, partition: 0, offset: offset,
      operation: delete ? .delete : .upsert,
      values: delete ? [] : [.bigint(offset), .double(1), .string("SE"), .boolean(true)])
  }

  private func store(in directory: TemporaryDirectory, name: String) throws -> SQLiteOnlineStore {
    let store = try SQLiteOnlineStore(
      dataDirectory: directory.path + "/" + name, schemas: [group.onlineSchema])
    // What an earlier run left: u1 deleted after an upsert, u2 live.
    _ = try store.apply(
      OnlineBatch(writes: [
        group.name: [
          write("u1", at: 100, offset: 0), write("u2", at: 100, offset: 1),
          write("u1", at: 200, offset: 2, delete: true),
        ]
      ]))
    return store
  }

  func testStaleCountsMatchTheStoreIncludingATombstoneItHeldBefore() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let batches: [[OnlineWrite]] = [
      // Older than u1's tombstone: stale. Newer than u2's row: applied. u3 is new.
      [
        write("u1", at: 150, offset: 3), write("u2", at: 300, offset: 4),
        write("u3", at: 1, offset: 5),
      ],
      // Against what the first batch did: u2 at 250 is stale now, u1 at 250 re-creates it.
      [
        write("u2", at: 250, offset: 6), write("u1", at: 250, offset: 7),
        write("u1", at: 240, offset: 8),
      ],
    ]
    let real = try store(in: directory, name: "real")
    let dry = try store(in: directory, name: "dry")
    var state = DryRunState()
    for writes in batches {
      let applied = try XCTUnwrap(
        try real.apply(OnlineBatch(writes: [group.name: writes]))[group.name])
      let predicted = try state.staleCount(writes, group: group, store: dry)
      XCTAssertEqual(predicted, applied.stale)
    }
    XCTAssertEqual(try dry.count(group: group.name), 1, "the dry run wrote nothing")
  }
}
