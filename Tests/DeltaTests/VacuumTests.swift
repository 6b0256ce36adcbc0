import XCTest

@testable import Delta

final class VacuumTests: XCTestCase {
  /// The retention properties as Spark and delta-rs write them.
  func testRetentionIntervalsParse() throws {
    let cases: [(String, TimeInterval)] = [
      ("interval 7 days", 604_800), ("interval 1 week", 604_800), ("interval 168 hours", 604_800),
      ("interval 1 seconds", 1), ("30 days", 2_592_000), ("interval 1 day 12 hours", 129_600),
    ]
    for (text, seconds) in cases {
      XCTAssertEqual(try DeltaTable.interval(text, property: "p"), seconds, text)
    }
    for bad in ["", "interval", "interval 7", "7 fortnights", "interval -1 days"] {
      XCTAssertThrowsError(try DeltaTable.interval(bad, property: "p"), bad) { error in
        XCTAssertTrue("\(error)".contains("not an interval"), "\(error)")
      }
    }
  }
}
