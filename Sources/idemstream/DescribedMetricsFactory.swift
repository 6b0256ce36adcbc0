import Ingestion
import Metrics
import Prometheus

/// A swift-metrics backend over a Prometheus registry that gives each family its `# HELP`
/// text and histogram buckets from `MetricFamilies`.
///
/// swift-prometheus's own `PrometheusMetricsFactory` registers every family with empty help
/// (swift-metrics has no place for it), and its registry refuses a second registration of a
/// name with other help, so the help cannot be added beside it: it has to be given here,
/// where each family is first made.
struct DescribedMetricsFactory: MetricsFactory {
  let registry: PrometheusCollectorRegistry

  /// The family's full name and help text (empty for a name `MetricFamilies` lacks).
  private func describe(_ label: String) -> MetricNameDescriptor {
    .family(label, help: MetricFamilies.named(label)?.help ?? "")
  }

  func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
    registry.makeCounter(descriptor: describe(label), labels: dimensions)
  }

  func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
    -> any FloatingPointCounterHandler
  {
    registry.makeCounter(descriptor: describe(label), labels: dimensions)
  }

  func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool)
    -> any RecorderHandler
  {
    guard aggregate else {
      return registry.makeGauge(descriptor: describe(label), labels: dimensions)
    }
    // No family records an aggregated Recorder today; a value histogram of default buckets.
    return registry.makeValueHistogram(
      descriptor: describe(label), labels: dimensions, buckets: [0.1, 1, 10, 100, 1000, 10000])
  }

  func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
    registry.makeGauge(descriptor: describe(label), labels: dimensions)
  }

  func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
    registry.makeDurationHistogram(
      descriptor: describe(label), labels: dimensions,
      buckets: MetricFamilies.named(label)?.buckets ?? Self.defaultBuckets)
  }

  /// swift-prometheus's default duration buckets: 5 ms to 10 s.
  static let defaultBuckets: [Duration] = [
    .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
    .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
    .milliseconds(2500), .seconds(5), .seconds(10),
  ]

  func destroyCounter(_ handler: any CounterHandler) {
    if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
  }

  func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
    if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
  }

  func destroyRecorder(_ handler: any RecorderHandler) {
    switch handler {
    case let gauge as Prometheus.Gauge: registry.unregisterGauge(gauge)
    case let histogram as ValueHistogram: registry.unregisterValueHistogram(histogram)
    default: break
    }
  }

  func destroyMeter(_ handler: any MeterHandler) {
    if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
  }

  func destroyTimer(_ handler: any TimerHandler) {
    if let histogram = handler as? DurationHistogram {
      registry.unregisterDurationHistogram(histogram)
    }
  }
}

extension MetricNameDescriptor {
  /// A family named in full (no namespace or unit parts to join) with its help text.
  static func family(_ name: String, help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
  }
}
