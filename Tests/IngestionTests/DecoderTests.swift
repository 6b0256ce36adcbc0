import XCTest

@testable import Ingestion

final class DecoderTests: XCTestCase {
  typealias F = DecoderFixtures

  func testGenPyRecord() throws {
    let write = try F.decode(F.userStats)
    XCTAssertEqual(write.groupIndex, 0)
    XCTAssertEqual(write.groupName, "user_stats")
    XCTAssertEqual(write.key, [.string("u42")])
    XCTAssertEqual(write.eventTimeMicros, 1_767_225_600_000_000)
    XCTAssertEqual(write.eventTimeMillis, 1_767_225_600_000)
    XCTAssertEqual(write.operation, .upsert)
    XCTAssertEqual(write.values, [.bigint(12), .double(3.5), .string("SE"), .boolean(true)])
    XCTAssertEqual(write.idempotencyKey, "evt-7-1")
    XCTAssertFalse(write.idempotencyKeyIsDerived)
    XCTAssertEqual(
      write.contentFingerprint, CanonicalWrite.fingerprint(of: write, in: F.config.featureGroups[0])
    )
  }

  func testEveryTypeAndNullsAndLeftOutFeatures() throws {
    let write = try F.decode(
      #"{"feature_group":"user_stats","event_time":0,"key":{"user_id":"a\"b\\c\u00e9\ud83d\ude00"},"#
        + #""values":{"spend":7,"clicks":-9223372036854775808,"active":false,"country":null}}"#)
    XCTAssertEqual(write.key, [.string("a\"b\\cé😀")])
    XCTAssertEqual(write.values, [.bigint(Int64.min), .double(7), .null, .boolean(false)])
    let empty = try F.decode(
      #"{"feature_group":"user_stats","event_time":5,"key":{"user_id":"x"},"values":{}}"#)
    XCTAssertEqual(empty.values, [.null, .null, .null, .null])
    XCTAssertEqual(empty.eventTimeMicros, 5000)
  }

  func testEventTimeMillisRoundsDown() {
    func millis(_ micros: Int64) -> Int64 {
      FeatureWrite(
        groupIndex: 0, groupName: "g", key: [], eventTimeMicros: micros, operation: .upsert,
        values: [],
        idempotencyKey: "k", idempotencyKeyIsDerived: false, contentFingerprint: 0
      ).eventTimeMillis
    }
    XCTAssertEqual(millis(1999), 1)
    XCTAssertEqual(millis(-1), -1)
    XCTAssertEqual(millis(-1000), -1)
    XCTAssertEqual(millis(-1001), -2)
    XCTAssertEqual(millis(Int64.min), Int64.min / 1000 - 1)
  }

  func testDoubles() throws {
    func spend(_ literal: String) throws -> FeatureValue {
      try F.decode(
        #"{"feature_group":"user_stats","event_time":0,"key":{"user_id":"x"},"values":{"spend":"#
          + literal + "}}"
      )
      .values[1]
    }
    XCTAssertEqual(try spend("0.1"), .double(0.1))
    XCTAssertEqual(try spend("-0.0"), .double(-0.0))
    XCTAssertEqual(try spend("1e308"), .double(1e308))
    XCTAssertEqual(try spend("2.2250738585072014E-308"), .double(2.2250738585072014e-308))
    XCTAssertEqual(
      try spend("123456789012345678901234567890"), .double(123456789012345678901234567890.0))
    XCTAssertEqual(try spend("9007199254740993"), .double(9_007_199_254_740_992))
    XCTAssertEqual(try spend("0.30000000000000004"), .double(0.30000000000000004))
    XCTAssertEqual(try spend("1.7976931348623157e308"), .double(.greatestFiniteMagnitude))
    XCTAssertEqual(try spend("4.9e-324"), .double(.leastNonzeroMagnitude))
  }

  func testTimestampsInBothForms() throws {
    func placedAt(_ literal: String) throws -> FeatureValue {
      try F.decode(
        #"{"event_time":1,"key":{"shop":"s","order_id":1},"values":{"placed_at":"# + literal + "}}",
        topic: "orders-topic"
      ).values[0]
    }
    XCTAssertEqual(try placedAt("1767225600123"), .timestamp(1_767_225_600_123_000))
    XCTAssertEqual(try placedAt("-1"), .timestamp(-1000))
    XCTAssertEqual(try placedAt(#""2026-01-01T00:00:00Z""#), .timestamp(1_767_225_600_000_000))
    XCTAssertEqual(
      try placedAt(#""2026-01-01T02:00:00.5+02:00""#), .timestamp(1_767_225_600_500_000))
    XCTAssertEqual(
      try placedAt(#""2025-12-31T19:30:00.123456-04:30""#), .timestamp(1_767_225_600_123_456))
    XCTAssertEqual(try placedAt(#""1970-01-01t00:00:00.000001z""#), .timestamp(1))
    XCTAssertEqual(try placedAt(#""2024-02-29T12:00:00Z""#), .timestamp(1_709_208_000_000_000))
    XCTAssertEqual(try placedAt(#""0001-01-01T00:00:00Z""#), .timestamp(-62_135_596_800_000_000))
    XCTAssertEqual(try placedAt(#""1969-12-31T23:59:59.999Z""#), .timestamp(-1000))

    let event = try F.decode(
      #"{"event_time":"2026-01-01T01:00:00+01:00","key":{"shop":"s","order_id":1},"values":{}}"#,
      topic: "orders-topic")
    XCTAssertEqual(event.eventTimeMicros, 1_767_225_600_000_000)
  }

  func testBadTimestamps() {
    func reason(_ literal: String) -> String {
      let error = F.error(
        #"{"event_time":"# + literal + #","key":{"shop":"s","order_id":1},"values":{}}"#,
        topic: "orders-topic")
      return error.map { "\($0)" } ?? "accepted"
    }
    XCTAssertTrue(reason(#""2023-02-29T00:00:00Z""#).contains("day 29 does not exist"))
    XCTAssertTrue(reason(#""2026-01-01T00:00:00""#).contains("missing time zone"))
    XCTAssertTrue(
      reason(#""2026-01-01T00:00:00.1234567Z""#).contains("more than 6 fraction digits"))
    XCTAssertTrue(reason(#""2026-01-01T24:00:00Z""#).contains("out of range"))
    XCTAssertTrue(reason(#""2026-01-01""#).hasPrefix("event_time: '2026-01-01': expected RFC 3339"))
    XCTAssertTrue(
      reason("1.5").contains(
        "expected integer epoch milliseconds or an RFC 3339 string, got number 1.5"))
    XCTAssertTrue(reason("253402300800000").contains("outside years 0001–9999"))
    XCTAssertTrue(reason("true").contains("got boolean"))
  }

  func testCompositeKeysAndTopicBinding() throws {
    let write = try F.decode(
      #"{"key":{"order_id":17,"shop":"north"},"event_time":1000,"values":{"amount":9.99}}"#,
      topic: "orders-topic")
    XCTAssertEqual(write.groupName, "orders")
    XCTAssertEqual(write.groupIndex, 1)
    // Primary-key order, not JSON order.
    XCTAssertEqual(write.key, [.string("north"), .bigint(17)])
    XCTAssertEqual(write.values, [.null, .double(9.99)])

    // A record naming the bound group is fine; naming another one is not.
    XCTAssertNoThrow(
      try F.decode(
        #"{"feature_group":"orders","key":{"order_id":1,"shop":"s"},"event_time":1,"values":{}}"#,
        topic: "orders-topic"))
    XCTAssertEqual(
      F.error(
        #"{"feature_group":"user_stats","key":{"user_id":"u"},"event_time":1,"values":{}}"#,
        topic: "orders-topic")?
        .reason, .unknownFeatureGroup)
    // Without a binding, feature_group is required.
    XCTAssertEqual(
      F.error(#"{"key":{"user_id":"u"},"event_time":1,"values":{}}"#)?.description,
      "feature_group: missing (required unless the topic 'features' is bound to a group in kafka.topic_groups)"
    )
  }

  func testKeyAndValuesBeforeTheGroupAreReadAfterwards() throws {
    let write = try F.decode(
      #"{"values":{"clicks":1},"key":{"user_id":"u"},"event_time":1,"feature_group":"user_stats"}"#)
    XCTAssertEqual(write.key, [.string("u")])
    XCTAssertEqual(write.values[0], .bigint(1))
    XCTAssertEqual(
      F.error(
        #"{"values":{"clicks":"1"},"key":{"user_id":"u"},"event_time":1,"feature_group":"user_stats"}"#
      )?
      .description, "values.clicks: expected bigint, got string")
  }

  func testKeyColumnErrors() {
    XCTAssertEqual(
      F.error(#"{"key":{"order_id":1},"event_time":1,"values":{}}"#, topic: "orders-topic")?
        .description,
      "key.shop: missing primary-key column")
    XCTAssertEqual(
      F.error(
        #"{"key":{"order_id":1,"shop":"s","amount":2},"event_time":1,"values":{}}"#,
        topic: "orders-topic")?
        .description, "key.amount: not a primary-key column of orders (primary key: shop, order_id)"
    )
    XCTAssertEqual(
      F.error(
        #"{"key":{"order_id":"1","shop":"s"},"event_time":1,"values":{}}"#, topic: "orders-topic")?
        .description,
      "key.order_id: expected bigint, got string")
    XCTAssertEqual(
      F.error(
        #"{"key":{"order_id":null,"shop":"s"},"event_time":1,"values":{}}"#, topic: "orders-topic")?
        .description,
      "key.order_id: a primary-key value cannot be null")
    XCTAssertEqual(
      F.error(#"{"key":[1],"event_time":1,"values":{}}"#, topic: "orders-topic")?.reason, .wrongType
    )
    // A key column repeated in values must agree with key.
    XCTAssertNoThrow(
      try F.decode(
        #"{"feature_group":"user_stats","key":{"user_id":"u"},"event_time":1,"values":{"user_id":"u"}}"#
      ))
    XCTAssertEqual(
      F.error(
        #"{"feature_group":"user_stats","key":{"user_id":"u"},"event_time":1,"values":{"user_id":"v"}}"#
      )?
      .description, "values.user_id: differs from key.user_id")
  }

  func testFieldErrors() {
    let base = #""feature_group":"user_stats","key":{"user_id":"u"},"event_time":1"#
    XCTAssertEqual(
      F.error("{" + base + "}")?.description,
      "values: missing (required for an upsert; op: delete makes a tombstone)")
    XCTAssertEqual(
      F.error("{" + base + #","values":{"spend":"x"}}"#)?.description,
      "values.spend: expected double, got string")
    XCTAssertEqual(
      F.error("{" + base + #","values":{"clicks":1.5}}"#)?.description,
      "values.clicks: expected bigint, got number 1.5")
    XCTAssertEqual(
      F.error("{" + base + #","values":{"active":1}}"#)?.description,
      "values.active: expected boolean, got number 1")
    XCTAssertEqual(
      F.error("{" + base + #","values":{"country":{}}}"#)?.description,
      "values.country: expected string, got object")
    XCTAssertEqual(
      F.error("{" + base + #","values":{"bogus":1}}"#)?.description,
      "values.bogus: not a feature of user_stats")
    XCTAssertEqual(F.error("{" + base + #","values":{},"extra":1}"#)?.reason, .unknownField)
    XCTAssertEqual(F.error("{" + base + #","values":{},"op":"merge"}"#)?.reason, .invalidOperation)
    XCTAssertEqual(
      F.error("{" + base + #","values":{},"idempotency_key":""}"#)?.reason, .invalidIdempotencyKey)
    let longKey = String(repeating: "k", count: 257)
    XCTAssertEqual(
      F.error("{" + base + #","values":{},"idempotency_key":""# + longKey + #""}"#)?.reason,
      .invalidIdempotencyKey)
    XCTAssertNoThrow(
      try F.decode(
        "{" + base + #","values":{},"idempotency_key":""# + String(longKey.dropFirst()) + #""}"#))
    XCTAssertEqual(
      F.error(#"{"feature_group":"nope","key":{},"event_time":1,"values":{}}"#)?.description,
      "feature_group: unknown group 'nope' (configured: user_stats, orders)")
    XCTAssertEqual(
      F.error(#"{"feature_group":"user_stats","key":{"user_id":"u"},"values":{}}"#)?.reason,
      .missingField)
    XCTAssertEqual(
      F.error(#"{"feature_group":7,"key":{"user_id":"u"},"event_time":1,"values":{}}"#)?
        .description,
      "feature_group: expected a string, got number 7")
  }

  func testDeletesByFieldAndByHeader() throws {
    let byField = try F.decode(
      #"{"feature_group":"user_stats","op":"delete","key":{"user_id":"u"},"event_time":1}"#)
    XCTAssertEqual(byField.operation, .delete)
    XCTAssertEqual(byField.values, [.null, .null, .null, .null])
    let byHeader = try F.decode(
      #"{"feature_group":"user_stats","key":{"user_id":"u"},"event_time":1,"values":{"clicks":3}}"#,
      headers: [RecordHeader(key: "operation", string: "delete")])
    XCTAssertEqual(byHeader.operation, .delete)
    // Values given with a delete are checked, then dropped: both deletes are the same write.
    XCTAssertEqual(byField.contentFingerprint, byHeader.contentFingerprint)
    XCTAssertEqual(byField.idempotencyKey, byHeader.idempotencyKey)
    XCTAssertEqual(
      F.error(
        #"{"feature_group":"user_stats","op":"upsert","key":{"user_id":"u"},"event_time":1,"values":{}}"#,
        headers: [RecordHeader(key: "operation", string: "delete")])?.reason, .invalidOperation)
    XCTAssertEqual(
      F.error(F.userStats, headers: [RecordHeader(key: "operation", string: "truncate")])?
        .description,
      "header operation: 'truncate' is neither \"upsert\" nor \"delete\"")
  }

  func testIdempotencyKeyFromHeader() throws {
    let json = #"{"feature_group":"user_stats","key":{"user_id":"u"},"event_time":1,"values":{}}"#
    let write = try F.decode(json, headers: [RecordHeader(key: "idempotency-key", string: "hdr-1")])
    XCTAssertEqual(write.idempotencyKey, "hdr-1")
    XCTAssertFalse(write.idempotencyKeyIsDerived)
    XCTAssertEqual(
      F.error(F.userStats, headers: [RecordHeader(key: "idempotency-key", string: "other")])?
        .reason,
      .invalidIdempotencyKey)
    XCTAssertNoThrow(
      try F.decode(F.userStats, headers: [RecordHeader(key: "idempotency-key", string: "evt-7-1")]))
    XCTAssertEqual(
      F.error(json, headers: [RecordHeader(key: "idempotency-key", value: [0xFF])])?.description,
      "header idempotency-key: must be a UTF-8 string")
    XCTAssertEqual(
      F.error(json, headers: [RecordHeader(key: "idempotency-key", value: nil)])?.reason,
      .invalidIdempotencyKey)
  }

  func testDerivedKeysIgnoreSpellingButNotContent() throws {
    let compact =
      #"{"feature_group":"user_stats","event_time":1000,"key":{"user_id":"u1"},"values":{"clicks":5,"spend":2,"country":null}}"#
    let spaced = """
      {
        "values" : { "spend" : 2.0 , "clicks" : 5 },
        "key" : { "user_id" : "\\u0075\\u0031" },
        "event_time" : "1970-01-01T00:00:01Z",
        "op": "upsert",
        "feature_group" : "user_stats"
      }
      """
    let a = try F.decode(compact)
    let b = try F.decode(spaced)
    XCTAssertTrue(a.idempotencyKeyIsDerived)
    XCTAssertEqual(a.idempotencyKey.count, 64)
    XCTAssertEqual(a.idempotencyKey, b.idempotencyKey)
    XCTAssertEqual(a.contentFingerprint, b.contentFingerprint)
    XCTAssertEqual(
      a.idempotencyKey, CanonicalWrite.derivedIdempotencyKey(of: a, in: F.config.featureGroups[0]))

    let variants = [
      compact.replacingOccurrences(of: "\"clicks\":5", with: "\"clicks\":6"),
      compact.replacingOccurrences(of: "1000", with: "1001"),
      compact.replacingOccurrences(of: "u1", with: "u2"),
      compact.replacingOccurrences(of: "\"country\":null", with: "\"country\":\"\""),
      compact.replacingOccurrences(of: "\"spend\":2", with: "\"spend\":-2"),
    ]
    var keys: Set<String> = [a.idempotencyKey]
    var fingerprints: Set<UInt64> = [a.contentFingerprint]
    for variant in variants {
      let write = try F.decode(variant)
      keys.insert(write.idempotencyKey)
      fingerprints.insert(write.contentFingerprint)
    }
    XCTAssertEqual(keys.count, variants.count + 1)
    XCTAssertEqual(fingerprints.count, variants.count + 1)
  }

  /// The canonical form is persisted indirectly (keys, fingerprints): pin its bytes.
  func testCanonicalFormIsStable() throws {
    let write = try F.decode(
      #"{"key":{"order_id":7,"shop":"s"},"event_time":1,"values":{"amount":0.5}}"#,
      topic: "orders-topic")
    let bytes = CanonicalWrite.bytes(of: write, in: F.config.featureGroups[1])
    let hex = bytes.map {
      String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
    }.joined()
    XCTAssertEqual(
      hex,
      "01" + "06000000" + "6f7264657273" + "02000000"
        + "08000000" + "6f726465725f6964" + "01" + "0700000000000000"
        + "04000000" + "73686f70" + "03" + "01000000" + "73"
        + "e803000000000000" + "00" + "01000000"
        + "06000000" + "616d6f756e74" + "02" + "000000000000e03f")
    XCTAssertEqual(
      write.contentFingerprint, XXHash64.hash(bytes, seed: CanonicalWrite.fingerprintSeed))
  }
}
