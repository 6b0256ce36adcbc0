import Foundation
import Ingestion
import TestSupport

/// The inputs the fuzzer starts from and the config it decodes against: the end-to-end
/// workload's two feature groups (every feature type, a composite key).
enum FuzzCorpus {
  static func config() throws -> IdemstreamConfig {
    try IdemstreamConfig.parse(
      yaml: """
        kafka:
          topics: [features]
        feature_groups:
          - name: user_stats
            primary_key: [user_id]
            features: {user_id: string, clicks: bigint, spend: double, country: string,
                       active: boolean, last_seen: timestamp}
          - name: merchant_daily
            version: 2
            primary_key: [merchant_id, day]
            features: {merchant_id: bigint, day: string, revenue: double, orders: bigint}
        """)
  }

  /// Valid writes of every shape, then the section 2 rejects (below 64 KiB; the large
  /// one would only slow the fuzzer down).
  static var seeds: [String] {
    let valid = [
      #"{"feature_group":"user_stats","key":{"user_id":"u1"},"event_time":1767225600000,"values":{"clicks":3,"spend":2.5,"country":"SE","active":true,"last_seen":"2026-01-01T00:00:00.123456Z"}}"#,
      #"{"feature_group":"user_stats","key":{"user_id":"u2"},"event_time":"2026-01-01T10:00:00+02:00","values":{"clicks":null},"idempotency_key":"w-1"}"#,
      #"{"feature_group":"user_stats","op":"delete","key":{"user_id":"u3"},"event_time":1}"#,
      #"{"values":{"revenue":10,"orders":2},"key":{"day":"2026-01-02","merchant_id":7},"feature_group":"merchant_daily","event_time":5}"#,
      #"{"feature_group":"merchant_daily","key":{"merchant_id":-1,"day":"Ünïcödé \u00e9\n"},"event_time":"2026-01-01T00:00:00Z","values":{"revenue":1e3}}"#,
    ]
    let rejects = ((try? ContractRejects.load()) ?? []).compactMap { reject in
      reject.value.flatMap { $0.count < 65536 ? String(decoding: $0, as: UTF8.self) : nil }
    }
    return valid + rejects
  }
}

/// The corpus of CONTRACT.md section 2's dead-letter rules, `Tests/interop/contract-rejects.json`:
/// one record per rule with the reason it must be dead-lettered with. A `value` of null is
/// Kafka's null value; `value_hex` gives bytes that are not UTF-8; `pad` replaces `PAD` in
/// the value with that many `x` (the over-size record, the over-long idempotency key).
/// The end-to-end test `ContractRejectTests` reads the same file.
struct ContractRejects {
  let name: String
  let value: [UInt8]?
  let reason: String

  static func load() throws -> [ContractRejects] {
    let url = Python.packageRoot.appendingPathComponent("Tests/interop/contract-rejects.json")
    let entries = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]]
    return (entries ?? []).map { entry in
      var value: [UInt8]?
      if let hex = entry["value_hex"] as? String {
        value = stride(from: 0, to: hex.count, by: 2).map { offset in
          let start = hex.index(hex.startIndex, offsetBy: offset)
          return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16) ?? 0
        }
      } else if let text = entry["value"] as? String {
        let pad = String(repeating: "x", count: entry["pad"] as? Int ?? 0)
        value = Array(text.replacingOccurrences(of: "PAD", with: pad).utf8)
      }
      return ContractRejects(
        name: entry["case"] as? String ?? "?", value: value,
        reason: entry["reason"] as? String ?? "")
    }
  }
}
