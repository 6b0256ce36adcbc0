import OnlineStore
import Parquet
import XCTest

@testable import Ingestion

/// The small pieces of the pipeline and the tools: txn appIds, timestamps, key arguments,
/// offline column layout.
final class PipelinePieceTests: XCTestCase {
  func testTransactionIDRoundTripsTopicsWithDashes() throws {
    let id = TransactionID(groupID: "my-group", topic: "feature-writes-eu", partition: 12)
    XCTAssertEqual(id.appID, "idemstream-my-group-feature-writes-eu-12")
    let parsed = try XCTUnwrap(TransactionID(appID: id.appID, groupID: "my-group"))
    XCTAssertEqual(parsed, id)
    XCTAssertNil(TransactionID(appID: id.appID, groupID: "other"))
    XCTAssertNil(TransactionID(appID: "idemstream-my-group-topic-x", groupID: "my-group"))
    XCTAssertNil(TransactionID(appID: "peer-features-3", groupID: "my-group"))
  }

  func testRFC3339FormatsMicrosecondsInUTC() {
    XCTAssertEqual(RFC3339.format(micros: 0), "1970-01-01T00:00:00.000000Z")
    XCTAssertEqual(RFC3339.format(micros: 1_767_225_600_000_000), "2026-01-01T00:00:00.000000Z")
    XCTAssertEqual(RFC3339.format(micros: 951_782_400_123_456), "2000-02-29T00:00:00.123456Z")
    XCTAssertEqual(RFC3339.format(micros: -1), "1969-12-31T23:59:59.999999Z")
    XCTAssertEqual(RFC3339.format(micros: 4_102_444_799_999_999), "2099-12-31T23:59:59.999999Z")
  }

  func testRowJSONEscapesAndOrdersColumns() throws {
    let group = FeatureGroup(
      name: "g", version: 1, primaryKey: ["id"],
      features: [
        Feature(name: "id", type: .string), Feature(name: "n", type: .bigint),
        Feature(name: "t", type: .timestamp), Feature(name: "s", type: .string),
      ])
    let row = OnlineRow(
      key: [.string("a\"b")], eventTime: 1_000_000, partition: 0, offset: 3,
      values: [.null, .timestamp(2_000_000), .string("line\nbreak\u{1}ü")])
    let line = RowJSON.line(group: group, row: row)
    XCTAssertEqual(
      line,
      #"{"id":"a\"b","event_time":"1970-01-01T00:00:01.000000Z","n":null,"t":"1970-01-01T00:00:02.000000Z","s":"line\nbreak\u0001ü"}"#
    )
    XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(line.utf8)))
  }

  func testKeyArgumentParsesPlainAndCompositeKeys() throws {
    let single = FeatureGroup(
      name: "g", version: 1, primaryKey: ["id"], features: [Feature(name: "id", type: .bigint)])
    XCTAssertEqual(try KeyArgument.parse("42", group: single), [.bigint(42)])
    XCTAssertThrowsError(try KeyArgument.parse("x", group: single))
    let composite = FeatureGroup(
      name: "m", version: 1, primaryKey: ["merchant_id", "day"],
      features: [Feature(name: "day", type: .string), Feature(name: "merchant_id", type: .bigint)])
    XCTAssertEqual(
      try KeyArgument.parse(#"{"day":"2026-01-01","merchant_id":7}"#, group: composite),
      [.bigint(7), .string("2026-01-01")])
    XCTAssertThrowsError(try KeyArgument.parse(#"{"day":"2026-01-01"}"#, group: composite))
    XCTAssertThrowsError(try KeyArgument.parse("7", group: composite))
  }

  func testOfflineRowsRoundTripThroughColumns() throws {
    let group = FeatureGroup(
      name: "g", version: 1, primaryKey: ["id"],
      features: [
        Feature(name: "id", type: .string), Feature(name: "n", type: .bigint),
        Feature(name: "x", type: .double), Feature(name: "b", type: .boolean),
        Feature(name: "t", type: .timestamp),
      ])
    var buffer = OfflineRowBuffer(group: group)
    let writes = [
      FeatureWrite(
        groupIndex: 0, groupName: "g", key: [.string("e1")], eventTimeMicros: 5,
        operation: .upsert, values: [.bigint(-9), .double(0.5), .boolean(true), .timestamp(77)],
        idempotencyKey: "k1", idempotencyKeyIsDerived: false, contentFingerprint: 0),
      FeatureWrite(
        groupIndex: 0, groupName: "g", key: [.string("é2")], eventTimeMicros: 6,
        operation: .delete, values: [.null, .null, .null, .null], idempotencyKey: "k2",
        idempotencyKeyIsDerived: false, contentFingerprint: 0),
    ]
    for (offset, write) in writes.enumerated() {
      buffer.append(write, topic: "t", partition: 3, offset: Int64(offset))
    }
    let names = OfflineTableLayout.schema(of: group).fields.map(\.name)
    XCTAssertEqual(
      names,
      [
        "id", "event_time", "n", "x", "b", "t", "_op", "_idempotency_key", "_kafka_topic",
        "_kafka_partition", "_kafka_offset",
      ])
    let columns = Dictionary(uniqueKeysWithValues: zip(names, buffer.columns()))
    let rows = try OfflineRowReader(group: group, columns: columns).writes()
    XCTAssertEqual(rows.count, 2)
    for (row, write) in zip(rows, writes) {
      XCTAssertEqual(row.write.key, write.key)
      XCTAssertEqual(row.write.values, write.values)
      XCTAssertEqual(row.write.operation, write.operation)
      XCTAssertEqual(row.write.idempotencyKey, write.idempotencyKey)
      XCTAssertEqual(row.write.contentFingerprint, CanonicalWrite.fingerprint(of: write, in: group))
      XCTAssertEqual(row.partition, 3)
      XCTAssertEqual(row.topic, "t")
    }
  }

  func testDeadLetterReasonComesFromTheBracketedPrefix() {
    XCTAssertEqual(
      DeadLetterReport.reason(of: "[wrong type] values.spend: expected double"), "wrong type")
    XCTAssertEqual(DeadLetterReport.reason(of: "no prefix"), "other")
  }
}
