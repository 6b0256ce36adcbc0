import Parquet
import TestSupport
import XCTest

@testable import Ingestion

/// The loop decodes every record into one reused `DecodedRow` and copies accepted rows
/// straight into the batch's columns: that must give what going through a `FeatureWrite`
/// gives, whatever the previous record left in the row.
final class DecodedRowTests: XCTestCase {
  typealias F = DecoderFixtures
  typealias Pin = DecodedFormPinTests

  /// Generated records, every third one mutated so that some fail halfway through.
  func records() -> [(bytes: [UInt8], topic: String)] {
    var random = SplitMix64(seed: 99)
    return (0..<3000).map { index in
      let (json, topic, _, _) = Pin.record(index, &random)
      var bytes = Array(json.utf8)
      if index % 3 == 2 {
        bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random))
      }
      return (bytes, topic)
    }
  }

  func testColumnsFromTheReusedRowEqualColumnsFromFeatureWrites() throws {
    var row = DecodedRow()
    var fromRows = F.config.featureGroups.map { OfflineRowBuffer(group: $0) }
    var fromWrites = fromRows
    var failures = 0
    var keyEncoder = DedupKeyEncoder()
    for (offset, (bytes, topic)) in records().enumerated() {
      let expected: Result<FeatureWrite, DecodeError> = Result {
        () throws(DecodeError) -> FeatureWrite in
        try F.decoder.decode(value: bytes, topic: topic)
      }
      do {
        try F.decoder.decode(value: bytes, headers: [], topic: topic, into: &row)
        let write = try expected.get()
        XCTAssertEqual(row.write(groupName: write.groupName), write)
        let group = F.decoder.schemas[row.groupIndex].group
        XCTAssertEqual(
          keyEncoder.key(
            of: row,
            groupPrefix: DedupKeyEncoder.groupPrefix(name: group.name, version: group.version),
            topic: topic, partition: 2),
          DedupKey(write, version: group.version, topic: topic, partition: 2))
        fromRows[row.groupIndex].append(row, topic: topic, partition: 2, offset: Int64(offset))
        fromWrites[write.groupIndex].append(
          write, topic: topic, partition: 2, offset: Int64(offset))
      } catch {
        failures += 1
        XCTAssertEqual(error, expected.failure)
      }
    }
    XCTAssertGreaterThan(failures, 500)
    for (rows, writes) in zip(fromRows, fromWrites) {
      XCTAssertGreaterThan(rows.count, 500)
      XCTAssertEqual(rows.columns(), writes.columns())
    }
  }

  func testNullsAndDeletesReachTheColumnsAsNulls() throws {
    var row = DecodedRow()
    var buffer = OfflineRowBuffer(group: F.config.featureGroups[0])
    let records = [
      #"{"feature_group":"user_stats","event_time":1,"key":{"user_id":"a"},"values":{"clicks":1,"spend":2.5,"country":"SE","active":true}}"#,
      #"{"feature_group":"user_stats","event_time":2,"key":{"user_id":"b"},"values":{"country":null}}"#,
      #"{"feature_group":"user_stats","event_time":3,"key":{"user_id":"c"},"op":"delete","values":{"clicks":5}}"#,
    ]
    for (offset, json) in records.enumerated() {
      try F.decoder.decode(value: Array(json.utf8), headers: [], topic: "features", into: &row)
      buffer.append(row, topic: "features", partition: 0, offset: Int64(offset))
    }
    let columns = buffer.columns()
    XCTAssertEqual(columns[2], .int64([1, 0, 0], validity: [true, false, false]))
    XCTAssertEqual(columns[3], .double([2.5, 0, 0], validity: [true, false, false]))
    XCTAssertEqual(
      columns[4],
      .byteArray(ByteArrayColumn(strings: ["SE", "", ""]), validity: [true, false, false]))
    XCTAssertEqual(
      columns[6],
      .byteArray(ByteArrayColumn(strings: ["upsert", "upsert", "delete"]), validity: nil))
    XCTAssertTrue(buffer.isDelete(at: 2))
    XCTAssertFalse(buffer.isDelete(at: 1))
  }

  func testAFeatureWriteRoundTripsThroughARow() throws {
    var random = SplitMix64(seed: 5)
    for index in 0..<200 {
      let (json, topic, _, _) = Pin.record(index, &random)
      let write = try F.decode(json, topic: topic)
      XCTAssertEqual(DecodedRow(write).write(groupName: write.groupName), write)
    }
  }
}

extension Result {
  var failure: Failure? {
    if case .failure(let error) = self { return error }
    return nil
  }
}

extension DecodedRowTests {
  func testTheRowGrowsForALongStringAndShrinksBackForTheNext() throws {
    var row = DecodedRow()
    let long = String(repeating: "ü", count: 5000)
    for country in ["SE", long, "DE", long + "x", ""] {
      let json =
        #"{"feature_group":"user_stats","idempotency_key":"k","event_time":1,"#
        + #""key":{"user_id":"u"},"values":{"country":""# + country + #""}}"#
      try F.decoder.decode(value: Array(json.utf8), headers: [], topic: "features", into: &row)
      XCTAssertEqual(row.featureValue(row.value(2)), .string(country))
      XCTAssertEqual(row.idempotencyKeyString, "k")
      XCTAssertEqual(row.write(groupName: "user_stats"), try F.decode(json))
    }
  }

  func testARowLetsGoOfTheBytesOfAHugeRecord() {
    var row = DecodedRow()
    let huge = [UInt8](repeating: 0x61, count: DecodedRow.retainedBytes + 1)
    let cell = huge.withUnsafeBufferPointer { row.appendString($0) }
    XCTAssertEqual(row.featureValue(cell), .string(String(repeating: "a", count: huge.count)))
    row.clear()
    XCTAssertEqual(row.bytes.count, 0)
    let small = Array("SE".utf8).withUnsafeBufferPointer { row.appendString($0) }
    XCTAssertEqual(row.featureValue(small), .string("SE"))
    row.clear()
    XCTAssertEqual(row.bytes.count, 256, "a normal record's buffer is kept")
  }
}
