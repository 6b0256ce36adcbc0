import TestSupport
import XCTest

@testable import Ingestion

/// Pins what the decoder makes of a broad set of generated records — values, content
/// fingerprints, derived idempotency keys and canonical bytes — to a digest computed once,
/// so that any change to how records are decoded or identified shows here. Keys and
/// fingerprints are persisted (dedup log, offline table), so they may never change.
final class DecodedFormPinTests: XCTestCase {
  typealias F = DecoderFixtures

  static let strings = [
    "", "u1", "SE", "a\"b\\c", "é", "e\u{301}", "😀", "line\nbreak\u{1}", "\u{0}",
    "a string longer than fifteen bytes, so not a small one", "tab\there/slash",
  ]

  static func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "/": out += "\\/"
      case _ where scalar.value < 0x20: out += "\\u" + String(format: "%04x", scalar.value)
      case "é": out += "\\u00e9"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  static func json(_ value: FeatureValue) -> String {
    switch value {
    case .null: return "null"
    case .bigint(let number): return "\(number)"
    case .double(let number): return "\(number)"
    case .string(let text): return jsonString(text)
    case .boolean(let flag): return "\(flag)"
    case .timestamp(let micros): return "\(micros / 1000)"
    }
  }

  static func randomValue(_ type: FeatureType, nullable: Bool, _ random: inout SplitMix64)
    -> FeatureValue
  {
    if nullable && Int.random(in: 0..<10, using: &random) < 3 { return .null }
    switch type {
    case .bigint:
      return .bigint([0, -1, Int64.min, Int64.max, 42][Int.random(in: 0..<5, using: &random)])
    case .double:
      return .double([0.0, -0.0, 0.1, 1e300, -2.5, 7][Int.random(in: 0..<6, using: &random)])
    case .string: return .string(strings[Int.random(in: 0..<strings.count, using: &random)])
    case .boolean: return .boolean(Bool.random(using: &random))
    case .timestamp:
      return .timestamp(Int64.random(in: -1_000_000...1_000_000, using: &random) * 1000)
    }
  }

  /// One generated record: its JSON, its topic, and the key and values it must decode to.
  static func record(_ index: Int, _ random: inout SplitMix64)
    -> (json: String, topic: String, key: [FeatureValue], values: [FeatureValue])
  {
    let groupIndex = Int.random(in: 0..<2, using: &random)
    let group = F.config.featureGroups[groupIndex]
    let key = group.keyFeatures.map { randomValue($0.type, nullable: false, &random) }
    let isDelete = Int.random(in: 0..<5, using: &random) == 0
    var values = group.valueFeatures.map { randomValue($0.type, nullable: true, &random) }
    var members: [String] = []
    members.append(
      #""key":{"#
        + zip(group.primaryKey, key).map { jsonString($0) + ":" + json($1) }.joined(separator: ",")
        + "}")
    members.append(#""event_time":\#(Int64(index) * 1000 - 5000)"#)
    let named = zip(group.valueFeatures, values).filter {
      !$1.isNull || Bool.random(using: &random)
    }
    members.append(
      #""values":{"#
        + named.map { jsonString($0.name) + ":" + json($1) }.joined(separator: ",") + "}")
    if isDelete {
      members.append(#""op":"delete""#)
      values = values.map { _ in .null }
    }
    if Bool.random(using: &random) {
      members.append(
        #""idempotency_key":"# + jsonString("k-\(index)-" + strings[index % strings.count]))
    }
    let topic = groupIndex == 1 && Bool.random(using: &random) ? "orders-topic" : "features"
    if topic == "features" || Bool.random(using: &random) {
      let member = #""feature_group":"# + jsonString(group.name)
      // Before or after key and values: the decoder reads those later when it comes after.
      if Bool.random(using: &random) {
        members.insert(member, at: 0)
      } else {
        members.append(member)
      }
    }
    return ("{" + members.joined(separator: ",") + "}", topic, key, values)
  }

  func testDecodedWritesAndTheirIdentityArePinned() throws {
    var random = SplitMix64(seed: 2026)
    var digest: [UInt8] = []
    for index in 0..<2000 {
      let (json, topic, key, values) = Self.record(index, &random)
      let write = try F.decode(json, topic: topic)
      XCTAssertEqual(write.key, key, json)
      XCTAssertEqual(write.values, values, json)
      let group = F.config.featureGroups[write.groupIndex]
      let canonical = CanonicalWrite.bytes(of: write, in: group)
      XCTAssertEqual(
        write.contentFingerprint, XXHash64.hash(canonical, seed: CanonicalWrite.fingerprintSeed))
      digest += canonical
      digest += Array(write.idempotencyKey.utf8)
      withUnsafeBytes(of: write.contentFingerprint.littleEndian) { digest += $0 }
      withUnsafeBytes(of: write.eventTimeMicros.littleEndian) { digest += $0 }
      digest.append(write.idempotencyKeyIsDerived ? 1 : 0)
    }
    XCTAssertEqual(XXHash64.hash(digest), 4_628_430_014_943_913_083)
  }

  /// Mutated records (and a few headers): every outcome, write or error, goes into a pinned
  /// digest, so the reasons and messages of dead letters are pinned as well.
  func testOutcomesOfMutatedRecordsArePinned() {
    var random = SplitMix64(seed: 1127)
    let interesting = Array(#"{}[]":,\"0123456789-+.eEtrufalsn "#.utf8) + [0x00, 0x80, 0xC3, 0xFF]
    let headerChoices: [[RecordHeader]] = [
      [], [RecordHeader(key: "idempotency-key", value: Array("h-1".utf8))],
      [RecordHeader(key: "operation", value: Array("DELETE".utf8))],
      [RecordHeader(key: "operation", value: Array("merge".utf8))],
      [RecordHeader(key: "idempotency-key", value: [0xFF])],
      [RecordHeader(key: "idempotency-key", value: Array("k-1-u1".utf8))],
    ]
    var digest: [UInt8] = []
    var accepted = 0
    for index in 0..<4000 {
      let (json, topic, _, _) = Self.record(index, &random)
      var bytes = Array(json.utf8)
      for _ in 0..<Int.random(in: 0..<3, using: &random) where !bytes.isEmpty {
        let position = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<3, using: &random) {
        case 0: bytes[position] = interesting[Int.random(in: 0..<interesting.count, using: &random)]
        case 1: bytes.remove(at: position)
        default: bytes = Array(bytes.prefix(position))
        }
      }
      let headers = headerChoices[Int.random(in: 0..<headerChoices.count, using: &random)]
      do {
        let write = try F.decoder.decode(value: bytes, headers: headers, topic: topic)
        accepted += 1
        digest += Array("\(write)".utf8)
      } catch {
        digest += Array("\(error.reason) | \(error.description)".utf8)
      }
    }
    XCTAssertGreaterThan(accepted, 500)
    // Re-pinned when values that are not JSON (`"x"y`, `fals`) became invalid_json instead
    // of not_an_object and a misspelt literal was named: 48 of the 4,000 outcomes changed,
    // all of them errors; no write did.
    XCTAssertEqual(XXHash64.hash(digest), 17_283_950_951_518_961_515)
  }
}
