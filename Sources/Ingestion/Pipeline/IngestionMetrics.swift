import Kafka
import Metrics

/// The service's Prometheus metrics, recorded through swift-metrics after each commit.
enum IngestionMetrics {
  static func record(
    _ counts: IngestionCounts, positions: [TopicPartition: Int64], consumer: KafkaConsumer
  ) {
    Counter(label: "idemstream_records_total", dimensions: [("outcome", "consumed")])
      .increment(by: counts.consumed)
    for (group, groupCounts) in counts.groups {
      for (outcome, value) in [
        ("accepted", groupCounts.new), ("duplicate", groupCounts.duplicate),
        ("stale", groupCounts.stale), ("conflicting", groupCounts.conflict),
        ("held", groupCounts.held),
      ] where value > 0 {
        Counter(
          label: "idemstream_records_total", dimensions: [("outcome", outcome), ("group", group)]
        ).increment(by: value)
      }
    }
    for (reason, value) in counts.deadLetters {
      Counter(
        label: "idemstream_records_total",
        dimensions: [("outcome", "dead_lettered"), ("reason", reason)]
      ).increment(by: value)
    }
    for (partition, offset) in positions {
      guard let marks = consumer.cachedWatermarks(partition) else { continue }
      Gauge(
        label: "idemstream_lag_records",
        dimensions: [("topic", partition.topic), ("partition", "\(partition.partition)")]
      ).record(max(0, marks.high - 1 - offset))
    }
  }
}
