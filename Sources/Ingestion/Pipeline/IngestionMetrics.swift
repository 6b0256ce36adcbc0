import Foundation
import Kafka
import Metrics

/// The service's Prometheus metrics (`MetricFamilies`), recorded through swift-metrics.
/// Without a metrics backend bootstrapped (every command but `run --metrics-port`) each call
/// is a no-op.
enum IngestionMetrics {
  /// Creates every series whose labels are known at start-up, at 0 (or the tables' state),
  /// so that a scrape before the first commit already shows them and `rate()` and
  /// `increase()` see their first increments.
  static func start(groups: [String], tables: [(name: String, version: Int64, committed: Date)]) {
    _ = Counter(label: MetricFamilies.recordsConsumed.name)
    for group in groups {
      for outcome in MetricFamilies.outcomes {
        _ = Counter(
          label: MetricFamilies.records.name, dimensions: [("outcome", outcome), ("group", group)])
      }
      _ = Counter(label: MetricFamilies.partitionViolations.name, dimensions: [("group", group)])
    }
    for code in DeadLetterCode.all {
      _ = Counter(label: MetricFamilies.deadLetters.name, dimensions: [("reason", code)])
    }
    for store in ["offline", "online"] {
      _ = Timer(label: MetricFamilies.commitDuration.name, dimensions: [("store", store)])
    }
    _ = Timer(label: MetricFamilies.freshness.name)
    _ = Counter(label: MetricFamilies.commitFailures.name)
    Gauge(label: MetricFamilies.commitFailing.name).record(0)
    for event in MetricFamilies.rebalanceEvents {
      _ = Counter(label: MetricFamilies.rebalances.name, dimensions: [("event", event)])
    }
    _ = Counter(label: MetricFamilies.kafkaErrors.name)
    for table in tables {
      tableCommitted(table.name, version: table.version, at: table.committed)
    }
  }

  /// A committed batch's counts and its partitions' lag.
  static func record(
    _ counts: IngestionCounts, positions: [TopicPartition: Int64], consumer: KafkaConsumer
  ) {
    Counter(label: MetricFamilies.recordsConsumed.name).increment(by: counts.consumed)
    for (group, groupCounts) in counts.groups {
      for (outcome, value) in [
        ("applied", groupCounts.new - groupCounts.stale), ("stale", groupCounts.stale),
        ("duplicate", groupCounts.duplicate), ("conflict", groupCounts.conflict),
        ("held", groupCounts.held),
      ] where value > 0 {
        Counter(
          label: MetricFamilies.records.name, dimensions: [("outcome", outcome), ("group", group)]
        ).increment(by: value)
      }
    }
    for (reason, value) in counts.deadLetters {
      Counter(
        label: MetricFamilies.deadLetters.name,
        dimensions: [("reason", DeadLetterCode.code(ofReason: reason))]
      ).increment(by: value)
    }
    for (partition, offset) in positions {
      guard let marks = consumer.cachedWatermarks(partition) else { continue }
      lag(partition, records: IngestionLoop.behind(marks, held: offset))
    }
  }

  static func lag(_ partition: TopicPartition, records: Int64) {
    Gauge(
      label: MetricFamilies.lag.name,
      dimensions: [("topic", partition.topic), ("partition", "\(partition.partition)")]
    ).record(records)
  }

  /// A revoked partition's lag is another member's to report.
  static func forgetLag(_ partition: TopicPartition) {
    Gauge(
      label: MetricFamilies.lag.name,
      dimensions: [("topic", partition.topic), ("partition", "\(partition.partition)")]
    ).destroy()
  }

  /// One offline table took a commit (or, at start-up, what its latest version is).
  static func tableCommitted(_ table: String, version: Int64, at date: Date) {
    Gauge(label: MetricFamilies.tableVersion.name, dimensions: [("table", table)])
      .record(version)
    Gauge(label: MetricFamilies.tableLastCommit.name, dimensions: [("table", table)])
      .record(date.timeIntervalSince1970)
  }

  static func rebalance(_ event: String) {
    Counter(label: MetricFamilies.rebalances.name, dimensions: [("event", event)]).increment()
  }

  static func kafkaError() { Counter(label: MetricFamilies.kafkaErrors.name).increment() }
}
