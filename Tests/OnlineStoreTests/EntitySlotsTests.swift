import XCTest

@testable import OnlineStore

final class EntitySlotsTests: XCTestCase {
  func testKeysAreNumberedInFirstSeenOrderAcrossGrowth() {
    var slots = EntitySlots(expectedCount: 4)
    for round in 0..<2 {
      for index in 0..<10_000 {
        let key: [OnlineValue] = [.string("k\(index)"), .bigint(Int64(index % 3))]
        XCTAssertEqual(slots.slot(for: key), index, "round \(round)")
      }
    }
    XCTAssertEqual(slots.count, 10_000)
  }

  func testEqualityIsSQLitesNotSwifts() {
    XCTAssertFalse(EntitySlots.sameKey([.string("caf\u{E9}")], [.string("cafe\u{301}")]))
    XCTAssertTrue(EntitySlots.sameKey([.string("Grüße")], [.string("Grüße")]))
    XCTAssertTrue(EntitySlots.sameKey([.double(0.0)], [.double(-0.0)]))
    XCTAssertEqual(EntitySlots.hash([.double(0.0)]), EntitySlots.hash([.double(-0.0)]))
    XCTAssertFalse(EntitySlots.sameKey([.bigint(1)], [.timestamp(1)]))
    XCTAssertFalse(EntitySlots.sameKey([.string("a")], [.string("a"), .string("b")]))
    XCTAssertFalse(EntitySlots.sameKey([.string("")], [.string("\0")]))
  }
}
