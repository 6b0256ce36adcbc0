import TestSupport
import XCTest

@testable import Ingestion

/// Input that must be dead-lettered with a sensible reason, never crash or hang (CONTRACT
/// section 6, invariant 6).
final class HostileInputTests: XCTestCase {
  typealias F = DecoderFixtures

  private func assertRejected(
    _ bytes: [UInt8]?, _ reason: DecodeError.Reason, mentioning text: String? = nil,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    guard let error = F.error(bytes) else {
      XCTFail("accepted", file: file, line: line)
      return
    }
    XCTAssertEqual(error.reason, reason, "\(error)", file: file, line: line)
    if let text {
      XCTAssertTrue(
        error.description.contains(text), "'\(text)' not in: \(error)", file: file, line: line)
    }
  }

  private func assertRejected(
    _ json: String, _ reason: DecodeError.Reason, mentioning text: String? = nil,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    assertRejected(Array(json.utf8), reason, mentioning: text, file: file, line: line)
  }

  func testEmptyAndNull() {
    assertRejected([UInt8](), .emptyValue, mentioning: "empty")
    assertRejected(nil, .nullValue, mentioning: "null")
    assertRejected("  \n ", .emptyValue, mentioning: "only whitespace")
    assertRejected("null", .nullValue, mentioning: "JSON null")
    assertRejected(" null \n", .nullValue)
  }

  func testNotJSONOrNotAnObject() {
    assertRejected("[1,2]", .notAnObject, mentioning: "a JSON array, not an object")
    assertRejected("\"text\"", .notAnObject, mentioning: "JSON string")
    assertRejected("42", .notAnObject, mentioning: "JSON number")
    assertRejected("true", .notAnObject, mentioning: "JSON boolean")
    // Text that is not JSON is invalid_json, even where it starts like a JSON value.
    assertRejected("hello", .invalidJSON, mentioning: "byte 0: the record value is not JSON")
    assertRejected("nul{", .invalidJSON, mentioning: "invalid literal, expected null")
    assertRejected("nullx", .invalidJSON, mentioning: "byte 4: the record value is not JSON")
    assertRejected("[1,2", .invalidJSON, mentioning: "unexpected end of input")
    assertRejected("42 43", .invalidJSON, mentioning: "unexpected data after the JSON number")
    assertRejected("{", .invalidJSON, mentioning: "unexpected end of input")
    assertRejected(#"{"feature_group""#, .invalidJSON)
    assertRejected(
      #"{"feature_group":"user_stats",}"#, .invalidJSON, mentioning: "expected a field name")
    assertRejected(#"{'feature_group':1}"#, .invalidJSON)
    assertRejected(#"{"feature_group" "user_stats"}"#, .invalidJSON, mentioning: "':'")
  }

  func testNotUTF8() {
    assertRejected([0xFF, 0xFE, 0x00, 0x7B], .notUTF8)
    let badInString =
      Array(#"{"feature_group":"user_stats","key":{"user_id":""#.utf8) + [0xC3, 0x28]
      + Array(#""},"event_time":1,"values":{}}"#.utf8)
    assertRejected(badInString, .notUTF8, mentioning: "byte 48")
    // Overlong encoding of '/', an encoded surrogate, and a code point above U+10FFFF.
    for sequence: [UInt8] in [
      [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
    ] {
      let record =
        Array(#"{"feature_group":"user_stats","key":{"user_id":""#.utf8) + sequence
        + Array(#""},"event_time":1,"values":{}}"#.utf8)
      assertRejected(record, .notUTF8)
    }
  }

  func testDeepNesting() {
    let deep = String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
    assertRejected(deep, .notAnObject)
    let deepObject =
      String(repeating: #"{"a":"#, count: 20_000) + "1" + String(repeating: "}", count: 20_000)
    assertRejected(deepObject, .unknownField)
    // Inside a deferred key (group named last), the skipper's depth limit applies.
    let deepKey =
      #"{"key":"# + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
      + #","feature_group":"user_stats"}"#
    assertRejected(deepKey, .tooDeep, mentioning: "nesting deeper than 64")
    let deepValue =
      #"{"feature_group":"user_stats","key":{"user_id":"# + String(repeating: "[", count: 20_000)
    assertRejected(deepValue, .wrongType, mentioning: "key.user_id: expected string, got array")
  }

  func testOversizedRecord() {
    let padding = String(repeating: "x", count: 1 << 20)
    let record =
      #"{"feature_group":"user_stats","key":{"user_id":""# + padding
      + #""},"event_time":1,"values":{}}"#
    assertRejected(record, .tooLarge, mentioning: "over the limit of 1048576 (max_record_bytes)")
  }

  func testHugeNumbers() {
    let base = #"{"feature_group":"user_stats","key":{"user_id":"u"},"event_time":1,"values":"#
    assertRejected(
      base + #"{"clicks":9223372036854775808}}"#, .outOfRange, mentioning: "outside the bigint")
    assertRejected(base + #"{"clicks":-9223372036854775809}}"#, .outOfRange)
    assertRejected(base + #"{"clicks":"# + String(repeating: "9", count: 5000) + "}}", .outOfRange)
    assertRejected(base + #"{"spend":1e400}}"#, .outOfRange, mentioning: "outside the double range")
    assertRejected(base + #"{"spend":-1"# + String(repeating: "0", count: 400) + "}}", .outOfRange)
    assertRejected(base + #"{"spend":01}}"#, .invalidJSON, mentioning: "leading zeros")
    assertRejected(base + #"{"spend":1.}}"#, .invalidJSON)
    assertRejected(base + #"{"spend":-}}"#, .invalidJSON)
    assertRejected(base + #"{"spend":1e}}"#, .invalidJSON)
    assertRejected(base + #"{"spend":NaN}}"#, .invalidJSON)
    assertRejected(base + #"{"spend":Infinity}}"#, .invalidJSON)
    assertRejected(
      #"{"feature_group":"user_stats","key":{"user_id":"u"},"event_time":1e3,"values":{}}"#,
      .wrongType)
    assertRejected(
      #"{"feature_group":"user_stats","key":{"user_id":"u"},"event_time":99999999999999999999,"values":{}}"#,
      .outOfRange)
  }

  func testBadStrings() {
    let base = #"{"feature_group":"user_stats","key":{"user_id":""#
    let tail = #""},"event_time":1,"values":{}}"#
    assertRejected(base + #"\ud800"# + tail, .invalidJSON, mentioning: "lone surrogate")
    assertRejected(base + #"\udc00"# + tail, .invalidJSON, mentioning: "lone surrogate")
    assertRejected(base + #"\ud800\u0041"# + tail, .invalidJSON, mentioning: "lone surrogate")
    assertRejected(base + #"\ud800"#, .invalidJSON)
    assertRejected(base + #"\x"# + tail, .invalidJSON, mentioning: "invalid escape")
    assertRejected(base + #"\u12G4"# + tail, .invalidJSON, mentioning: "not a hex digit")
    assertRejected(base + "tab\there" + tail, .invalidJSON, mentioning: "control character")
    assertRejected(base + "unterminated", .invalidJSON, mentioning: "unterminated string")
  }

  func testTrailingGarbageAndDuplicates() {
    assertRejected(
      F.userStats + "x", .invalidJSON, mentioning: "unexpected data after the JSON object")
    assertRejected(F.userStats + F.userStats, .invalidJSON)
    XCTAssertNoThrow(try F.decode(F.userStats + " \n\t"))
    assertRejected(
      #"{"feature_group":"user_stats","event_time":1,"event_time":2,"key":{"user_id":"u"},"values":{}}"#,
      .duplicateField,
      mentioning: "event_time: the field appears more than once")
    assertRejected(
      #"{"feature_group":"user_stats","event_time":1,"key":{"user_id":"u","user_id":"v"},"values":{}}"#,
      .duplicateField)
    assertRejected(
      #"{"feature_group":"user_stats","event_time":1,"key":{"user_id":"u"},"values":{"clicks":1,"clicks":1}}"#,
      .duplicateField, mentioning: "values.clicks")
    // Duplicates spelled differently are still duplicates.
    assertRejected(
      #"{"feature_group":"user_stats","event_time":1,"key":{"user_id":"u"},"values":{"clicks":1,"\u0063licks":2}}"#,
      .duplicateField)
  }

  /// Seeded random mutations of valid records: every outcome is a write or a DecodeError; the
  /// process surviving 120,000 cases is the assertion, plus sanity on what was accepted.
  func testRandomMutationsNeverCrash() {
    var random = SplitMix64(seed: 20_261_127)
    let seeds = [
      F.userStats,
      #"{"key":{"order_id":17,"shop":"n\u00f6rth"},"event_time":"2026-01-01T00:00:00.25+02:00","values":{"amount":-1.5e3,"placed_at":1}}"#,
      #"{"values":{"clicks":1,"spend":null},"op":"delete","key":{"user_id":"\ud83d\ude00"},"event_time":-5,"feature_group":"user_stats"}"#,
    ].map { Array($0.utf8) }
    let interesting: [UInt8] =
      Array(#"{}[]":,\"0123456789-+.eEtrufalsn "#.utf8) + [
        0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xED, 0xF4, 0xFF,
      ]
    var accepted = 0
    var rejected = 0
    for round in 0..<120_000 {
      var bytes = seeds[round % seeds.count]
      let mutations = 1 + Int(random.next() % 4)
      for _ in 0..<mutations {
        let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
        switch random.next() % 5 {
        case 0 where !bytes.isEmpty:
          bytes[position] = interesting[Int(random.next() % UInt64(interesting.count))]
        case 1 where !bytes.isEmpty: bytes.remove(at: position)
        case 2:
          bytes.insert(interesting[Int(random.next() % UInt64(interesting.count))], at: position)
        case 3 where !bytes.isEmpty: bytes[position] = UInt8(truncatingIfNeeded: random.next())
        default: bytes = Array(bytes.prefix(position))
        }
      }
      do {
        let write = try F.decoder.decode(
          value: bytes, topic: round % 3 == 1 ? "orders-topic" : "features")
        XCTAssertFalse(write.key.contains(.null))
        XCTAssertEqual(
          write.values.count, F.config.featureGroups[write.groupIndex].valueFeatures.count)
        accepted += 1
      } catch {
        XCTAssertFalse(error.description.isEmpty)
        rejected += 1
      }
    }
    XCTAssertEqual(accepted + rejected, 120_000)
    XCTAssertGreaterThan(accepted, 1000, "mutations should leave some records valid")
    XCTAssertGreaterThan(rejected, 50_000)
  }
}

final class JSONReaderTests: XCTestCase {
  private func skip(_ json: String) -> Result<Int, DecodeError> {
    let bytes = Array(json.utf8)
    return bytes.withUnsafeBufferPointer { buffer -> Result<Int, DecodeError> in
      var reader = JSONReader(base: buffer.baseAddress!, count: buffer.count)
      do throws(DecodeError) {
        try reader.skipValue()
        return .success(reader.position)
      } catch {
        return .failure(error)
      }
    }
  }

  func testSkipValueWalksTheFullGrammar() throws {
    let json =
      #"[1, {"a": [true, null, "x\n\u00e9"], "b": {}}, -2.5e3, [], "\ud83d\ude00", false] tail"#
    XCTAssertEqual(try skip(json).get(), json.utf8.count - 5)
    XCTAssertEqual(try skip("  0 ").get(), 3)
  }

  func testSkipValueRejectsBrokenContainers() {
    for broken in [
      #"[1,]"#, #"{"a" 1}"#, #"{"a":1,}"#, #"[1 2]"#, #"{1:2}"#, "[", #"{"a":"#, "[tru]",
    ] {
      guard case .failure(let error) = skip(broken) else {
        XCTFail("accepted \(broken)")
        continue
      }
      XCTAssertEqual(error.reason, .invalidJSON, "\(broken): \(error)")
    }
    let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
    XCTAssertEqual(
      try? skip(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).get(), 128)
    guard case .failure(let error) = skip(deep) else { return XCTFail("65 levels accepted") }
    XCTAssertEqual(error.reason, .tooDeep)
  }
}
