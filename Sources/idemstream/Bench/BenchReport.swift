import Foundation
import Ingestion

/// What `idemstream bench` measured, for people and for BENCHMARKS.md.
struct BenchReport: Encodable {
  var records: Int
  var partitions: Int
  var produced = 0
  var produceSeconds: Double?
  var consumed = 0
  var totalSeconds: Double?
  var secondsAfterFirstRecord: Double?
  var peakRSSBytes: Int64?
  var stageSeconds: [String: Double] = [:]
  var restartMillis: Int64?
  var verifySeconds: Double?
  var verifyAgreed: Bool?
  var groups: [String: GroupCounts] = [:]
  var rate: Int?
  var commits: Int?
  var freshness: FreshnessSummary?
  var delivery: FreshnessSummary?
  var peerRecordsPerSecond: Double?
  var peerSecondsAfterFirst: Double?
  var peerPeakRSSBytes: Int64?
  var peerError: String?

  /// `bench --json`'s names: snake_case, as in every `--json` document.
  enum CodingKeys: String, CodingKey {
    case records, partitions, produced, consumed, groups, rate, commits, freshness, delivery
    case produceSeconds = "produce_seconds"
    case totalSeconds = "total_seconds"
    case secondsAfterFirstRecord = "seconds_after_first_record"
    case peakRSSBytes = "peak_rss_bytes"
    case stageSeconds = "stage_seconds"
    case restartMillis = "restart_millis"
    case verifySeconds = "verify_seconds"
    case verifyAgreed = "verify_agreed"
    case peerRecordsPerSecond = "peer_records_per_second"
    case peerSecondsAfterFirst = "peer_seconds_after_first"
    case peerPeakRSSBytes = "peer_peak_rss_bytes"
    case peerError = "peer_error"
  }

  var recordsPerSecondAfterFirst: Double? {
    secondsAfterFirstRecord.map { Double(consumed) / max($0, 1e-9) }
  }

  /// The stages, largest first, their seconds times `scale`, in `unit`.
  private func stages(scale: Double, unit: String) -> String {
    stageSeconds.sorted { $0.value > $1.value }.map {
      String(format: "%@ %.2f %@", $0.key, $0.value * scale, unit)
    }.joined(separator: ", ")
  }

  var text: String {
    var lines: [String] = []
    func mb(_ bytes: Int64?) -> String {
      bytes.map { String(format: "%.0f MB", Double($0) / 1_048_576) } ?? "-"
    }
    if let rate {
      lines.append("sustained load: \(rate) writes/s, \(produced) records, \(consumed) consumed")
      if let freshness {
        lines.append(
          "freshness (record timestamp → visible online): p50 \(freshness.p50Millis) ms, "
            + "p99 \(freshness.p99Millis) ms, max \(freshness.maxMillis) ms over \(freshness.samples) records"
        )
      }
      if let delivery {
        lines.append(
          "of which Kafka delivery (record timestamp → taken from the consumer): "
            + "p50 \(delivery.p50Millis) ms, p99 \(delivery.p99Millis) ms")
      }
      lines.append("peak RSS of the service: \(mb(peakRSSBytes))")
      if let commits, commits > 0 {
        // Per commit cycle, where the time went: what bounds freshness.
        lines.append(
          "\(commits) commits; per commit: "
            + stages(scale: 1000 / Double(commits), unit: "ms"))
      }
      return lines.joined(separator: "\n")
    }
    lines.append(
      "backlog: \(produced) records in \(partitions) partitions (\(records) writes + duplicates)")
    if let after = secondsAfterFirstRecord, let rate = recordsPerSecondAfterFirst {
      lines.append(
        String(
          format: "drained %d records in %.2f s after the first record: %.0f records/s", consumed,
          after, rate))
    }
    if let total = totalSeconds {
      lines.append(
        String(
          format: "whole process: %.2f s (%.0f records/s incl. start-up and group join)", total,
          Double(consumed) / total))
    }
    lines.append("peak RSS of the service: \(mb(peakRSSBytes))")
    lines.append("time per stage: " + stages(scale: 1, unit: "s"))
    if let restartMillis {
      lines.append("restart with the stores full: ready in \(restartMillis) ms")
    }
    if let verifySeconds, let verifyAgreed {
      let verdict = verifyAgreed ? "stores agree" : "STORES DISAGREE"
      lines.append(String(format: "verify over the stores: %.2f s, %@", verifySeconds, verdict))
    }
    if let peer = peerRecordsPerSecond, let ours = recordsPerSecondAfterFirst {
      lines.append(
        String(
          format:
            "peer (Python: confluent-kafka + delta-rs + SQLite): %.0f records/s, peak RSS %@ → idemstream is %.1f× faster",
          peer, mb(peerPeakRSSBytes), ours / peer))
    }
    if let peerError { lines.append("peer failed: \(peerError)") }
    return lines.joined(separator: "\n")
  }
}
