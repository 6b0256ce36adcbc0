import Ingestion
import TestSupport

/// Makes fuzz inputs from a corpus: each one a corpus entry changed by a few random
/// mutations, or now and then a record built from scratch. Seeded, so a run repeats.
struct RecordMutator {
  private var random: SplitMix64
  private var corpus: [[UInt8]]
  private static let tokens: [[UInt8]] = [
    "{", "}", "[", "]", "\"", ",", ":", "\\", "\\u", "\\ud800", "\\u0000", "null", "true",
    "false", "-0", "1e999", "-1e-999", "9223372036854775808", "-9223372036854775809",
    "0.0000000000000000000001", "1767225600000", "\"2026-01-01T00:00:00Z\"",
    "\"2026-02-30T25:61:61.1234567+99:99\"", "\"feature_group\"", "\"key\"", "\"values\"",
    "\"event_time\"", "\"op\"", "\"delete\"", "\"idempotency_key\"", "\"user_stats\"",
    "\"merchant_daily\"", "\"user_id\"", "\u{feff}", "\u{0}", " ", "\t\n",
  ].map { Array($0.utf8) }

  init(seed: UInt64, corpus: [[UInt8]]) {
    random = SplitMix64(seed: seed)
    self.corpus = corpus
  }

  /// Adds an input worth mutating further (an accepted write), keeping the corpus bounded.
  mutating func learn(_ input: [UInt8]) {
    if corpus.count < 4096 { corpus.append(input) }
  }

  /// The next input: a record value (nil now and then: Kafka's null) and its headers.
  mutating func next() -> ([UInt8]?, [RecordHeader]) {
    if random.below(500) == 0 { return (nil, headers()) }
    var bytes: [UInt8]
    if random.below(20) == 0 {
      bytes = randomJSON(depth: 0)
    } else {
      bytes = corpus[random.below(corpus.count)]
      for _ in 0...random.below(4) { mutate(&bytes) }
    }
    return (bytes, headers())
  }

  private mutating func headers() -> [RecordHeader] {
    switch random.below(10) {
    case 0: return [RecordHeader(key: "idempotency-key", value: randomBytes(random.below(300)))]
    case 1: return [RecordHeader(key: "operation", value: Array("delete".utf8))]
    case 2: return [RecordHeader(key: "operation", value: randomBytes(4))]
    case 3: return [RecordHeader(key: "idempotency-key", value: nil)]
    default: return []
    }
  }

  private mutating func mutate(_ bytes: inout [UInt8]) {
    let position = bytes.isEmpty ? 0 : random.below(bytes.count + 1)
    switch random.below(9) {
    case 0 where !bytes.isEmpty:  // flip a bit
      let index = random.below(bytes.count)
      bytes[index] ^= UInt8(1) << UInt8(random.below(8))
    case 1:  // a random byte
      bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
    case 2:  // a JSON token
      bytes.insert(contentsOf: Self.tokens[random.below(Self.tokens.count)], at: position)
    case 3 where !bytes.isEmpty:  // cut a range
      let end = min(bytes.count, position + 1 + random.below(16))
      if position < end { bytes.removeSubrange(position..<end) }
    case 4:  // truncate
      bytes = Array(bytes.prefix(position))
    case 5 where !bytes.isEmpty:  // repeat a range
      let start = random.below(bytes.count)
      let end = min(bytes.count, start + 1 + random.below(32))
      let piece = Array(bytes[start..<end])
      for _ in 0..<(1 + random.below(8)) { bytes.insert(contentsOf: piece, at: position) }
    case 6:  // splice with another corpus entry
      let other = corpus[random.below(corpus.count)]
      let cut = other.isEmpty ? 0 : random.below(other.count)
      bytes = Array(bytes.prefix(position)) + other[cut...]
    case 7:  // deep nesting
      let depth = 1 + random.below(3000)
      let open = random.below(2) == 0 ? UInt8(ascii: "[") : UInt8(ascii: "{")
      bytes.insert(contentsOf: [UInt8](repeating: open, count: depth), at: position)
    default:  // replace a digit run with a huge number
      bytes.insert(
        contentsOf: Array(String(repeating: "9", count: 1 + random.below(400)).utf8),
        at: position)
    }
  }

  private mutating func randomBytes(_ count: Int) -> [UInt8] {
    (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
  }

  /// A JSON object with the contract's field names and values of any type.
  private mutating func randomJSON(depth: Int) -> [UInt8] {
    let names = [
      "feature_group", "key", "event_time", "values", "op", "idempotency_key",
      "user_id", "clicks", "spend", "country", "active", "last_seen", "merchant_id", "day",
    ]
    var members: [String] = []
    for _ in 0..<random.below(7) {
      members.append("\"\(names[random.below(names.count)])\":\(randomValue(depth: depth))")
    }
    return Array("{\(members.joined(separator: ","))}".utf8)
  }

  private mutating func randomValue(depth: Int) -> String {
    switch random.below(depth > 3 ? 6 : 8) {
    case 0: return "null"
    case 1: return random.below(2) == 0 ? "true" : "false"
    case 2: return "\(Int64(bitPattern: random.next()))"
    case 3: return "\(Double(bitPattern: random.next()))"
    case 4: return "\"user_stats\""
    case 5: return "\"u\(random.below(100))\""
    case 6: return String(decoding: randomJSON(depth: depth + 1), as: UTF8.self)
    default: return "[\(randomValue(depth: depth + 1)),\(randomValue(depth: depth + 1))]"
    }
  }
}
