import Foundation
import XCTest

@testable import Delta

final class ScanPredicateTests: XCTestCase {
  func testTimestampText() {
    XCTAssertEqual(TimestampText.format(microseconds: 0), "1970-01-01T00:00:00Z")
    XCTAssertEqual(
      TimestampText.format(microseconds: 1_704_067_200_123_456), "2024-01-01T00:00:00.123456Z")
    XCTAssertEqual(TimestampText.format(microseconds: -1), "1969-12-31T23:59:59.999999Z")
    XCTAssertEqual(TimestampText.format(days: 19_723), "2024-01-01")
    XCTAssertEqual(TimestampText.parseMicroseconds("2024-01-01T00:00:00Z"), 1_704_067_200_000_000)
    XCTAssertEqual(
      TimestampText.parseMicroseconds("2024-01-01T00:00:00.123Z"), 1_704_067_200_123_000)
    XCTAssertEqual(
      TimestampText.parseMicroseconds("2024-01-01T01:00:00.5+01:00"), 1_704_067_200_500_000)
    XCTAssertEqual(TimestampText.parseMicroseconds("1969-12-31T23:59:59.999999Z"), -1)
    XCTAssertEqual(TimestampText.parseDays("2024-01-01"), 19_723)
    for bad in [
      "2024-13-01T00:00:00Z", "2024-01-01", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00Zx", "x",
    ] {
      XCTAssertNil(TimestampText.parseMicroseconds(bad), bad)
    }
    for micros: Int64 in [0, 1, 1_795_776_971_663_123, -86_400_000_001, 253_402_300_799_999_999] {
      XCTAssertEqual(
        TimestampText.parseMicroseconds(TimestampText.format(microseconds: micros)), micros)
    }
  }

  /// `oneOf` keeps a file exactly when some value lies in its range: checked against every
  /// value tested one by one with `equal`, over many ranges and value sets.
  func testOneOfKeepsAFileExactlyWhenSomeValueIsInItsRange() {
    let schema = DeltaSchema([DeltaField("id", .long), DeltaField("name", .string)])
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<300 {
      let low = Int64.random(in: 0..<100, using: &generator)
      let high = low + Int64.random(in: 0..<20, using: &generator)
      let data = file(
        FileStatistics(
          numRecords: 5, minValues: ["id": .integer(low), "name": .string("k\(low)")],
          maxValues: ["id": .integer(high), "name": .string("k\(high)")]))
      let values = (0..<Int.random(in: 1..<8, using: &generator)).map { _ in
        Int64.random(in: 0..<130, using: &generator)
      }
      let oneByOne = values.contains {
        ScanPredicate.equal("id", .long($0)).mightMatch(data, schema: schema)
      }
      XCTAssertEqual(
        ScanPredicate.oneOf("id", values.map { .long($0) }).mightMatch(data, schema: schema),
        oneByOne, "\(values) against \(low)...\(high)")
      let names = values.map { "k\($0)" }
      XCTAssertEqual(
        ScanPredicate.oneOf("name", names.map { .string($0) }).mightMatch(data, schema: schema),
        names.contains {
          ScanPredicate.equal("name", .string($0)).mightMatch(data, schema: schema)
        }, "\(names) against k\(low)...k\(high)")
    }
    XCTAssertTrue(
      ScanPredicate.oneOf("id", [.long(1), .string("x")]).mightMatch(
        file(
          FileStatistics(
            numRecords: 1, minValues: ["id": .integer(5)], maxValues: ["id": .integer(6)])),
        schema: schema), "values of two kinds skip nothing")
  }

  private func file(_ stats: FileStatistics?) -> AddFile {
    AddFile(path: "f", size: 1, modificationTime: 0, stats: stats?.jsonString())
  }

  func testSkipsFilesOnlyWhenStatisticsExcludeThem() {
    let schema = DeltaSchema([
      DeltaField("id", .long), DeltaField("name", .string), DeltaField("at", .timestamp),
    ])
    let stats = FileStatistics(
      numRecords: 10,
      minValues: ["id": .integer(10), "name": .string("b"), "at": .string("2024-01-01T00:00:00Z")],
      maxValues: [
        "id": .integer(20), "name": .string("d"), "at": .string("2024-01-02T00:00:00.000Z"),
      ],
      nullCount: ["id": .integer(0), "name": .integer(10)])
    let data = file(stats)
    XCTAssertTrue(ScanPredicate.equal("id", .long(10)).mightMatch(data, schema: schema))
    XCTAssertTrue(ScanPredicate.equal("id", .long(20)).mightMatch(data, schema: schema))
    XCTAssertFalse(ScanPredicate.equal("id", .long(9)).mightMatch(data, schema: schema))
    XCTAssertFalse(ScanPredicate.equal("id", .long(21)).mightMatch(data, schema: schema))
    XCTAssertTrue(ScanPredicate.between("id", .long(0), .long(10)).mightMatch(data, schema: schema))
    XCTAssertFalse(ScanPredicate.between("id", nil, .long(9)).mightMatch(data, schema: schema))
    XCTAssertFalse(ScanPredicate.between("id", .long(21), nil).mightMatch(data, schema: schema))
    XCTAssertFalse(
      ScanPredicate.equal("name", .string("c")).mightMatch(data, schema: schema), "all null")
    let day2 = TimestampText.parseMicroseconds("2024-01-02T00:00:00Z")!
    XCTAssertTrue(
      ScanPredicate.equal("at", .timestamp(day2 + 500)).mightMatch(data, schema: schema),
      "a millisecond-truncated maximum may hide later microseconds")
    XCTAssertFalse(
      ScanPredicate.equal("at", .timestamp(day2 + 1000)).mightMatch(data, schema: schema))
    XCTAssertTrue(ScanPredicate.equal("id", .long(1)).mightMatch(file(nil), schema: schema))
    XCTAssertTrue(ScanPredicate.equal("missing", .long(1)).mightMatch(data, schema: schema))
  }
}
