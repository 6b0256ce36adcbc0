/// A Kafka cluster inside this process: librdkafka's mock cluster, speaking the real Kafka
/// protocol on loopback, so that tests, the demo and `idemstream broker` need no Kafka
/// installation. Any Kafka client (librdkafka, Python confluent-kafka, ...) can connect to
/// `bootstrapServers`.
///
/// Limits of the mock (librdkafka 2.0.2): each partition keeps about 5 MB (or 100,000
/// message sets) and drops its oldest records beyond that, moving the log start; a first
/// group join waits about 3 s (initial rebalance delay); static membership is ignored.
/// The cluster stops when this value is released.
public final class EmbeddedBroker: Sendable {
  private let cluster: RdKafkaMockCluster

  /// Starts `brokers` brokers (ids 1...brokers) on loopback and creates `topics`
  /// (name → partition count). Topics that clients ask for without creating them are
  /// auto-created by the mock.
  public init(brokers: Int = 1, topics: [String: Int] = [:]) throws {
    guard brokers >= 1 else {
      throw KafkaError(code: .invalidArgument, message: "an embedded cluster needs a broker")
    }
    // The handle that hosts the mock never connects anywhere; keep its log quiet.
    cluster = try RdKafkaMockCluster(brokerCount: brokers, properties: ["log_level": "3"])
    self.brokerCount = brokers
    for (topic, partitions) in topics.sorted(by: { $0.key < $1.key }) {
      try createTopic(topic, partitions: partitions)
    }
  }

  /// How many brokers the cluster has; their ids are `1...brokerCount`.
  public let brokerCount: Int

  /// The `bootstrap.servers` value for clients, e.g. `127.0.0.1:39763`.
  public var bootstrapServers: String { cluster.bootstrapServers }

  /// Creates a topic with `partitions` partitions (replicated to every broker, up to 3).
  public func createTopic(_ name: String, partitions: Int) throws {
    guard partitions >= 1, !name.isEmpty else {
      throw KafkaError(
        code: .invalidArgument,
        message: "a topic needs a name and at least one partition (got \(partitions))")
    }
    try cluster.createTopic(
      name, partitions: partitions, replicationFactor: min(brokerCount, 3))
  }

  /// Takes a broker off the network: connections are closed and new ones refused, as when
  /// a Kafka process dies. Its partitions keep their leader, so clients wait and retry.
  public func stopBroker(_ id: Int32 = 1) throws {
    try cluster.setBroker(id, up: false)
  }

  /// Lets a stopped broker accept connections again.
  public func startBroker(_ id: Int32 = 1) throws {
    try cluster.setBroker(id, up: true)
  }

  /// Delays every response of a broker by `latency` (a slow network or a busy broker).
  public func setLatency(_ latency: Duration, broker id: Int32 = 1) throws {
    try cluster.setRoundTripTime(id, milliseconds: latency.wholeMilliseconds)
  }

  /// Makes a broker answer its next `errors.count` requests of kind `api` with these
  /// errors, in order, each after `delay`; later requests are served normally.
  public func injectErrors(
    _ errors: [KafkaErrorCode], into api: KafkaAPIKey, broker id: Int32 = 1,
    delay: Duration = .zero
  ) throws {
    let delayMilliseconds = delay.wholeMilliseconds
    try cluster.pushErrors(errors.map { ($0, delayMilliseconds) }, api: api, brokerID: id)
  }

  /// How many errors injected with `injectErrors` a broker has yet to return for `api`:
  /// zero once the clients have hit (and, to go on, retried past) all of them.
  public func pendingInjectedErrors(for api: KafkaAPIKey, broker id: Int32 = 1) throws -> Int {
    try cluster.pendingErrorCount(api: api, brokerID: id)
  }

  /// Makes the next `errors.count` requests of kind `api` to any broker fail with these
  /// errors, in order.
  public func injectClusterErrors(_ errors: [KafkaErrorCode], into api: KafkaAPIKey) {
    cluster.pushClusterErrors(errors, api: api)
  }

  /// Drops the cluster-wide errors not yet returned for `api`.
  public func clearClusterErrors(for api: KafkaAPIKey) {
    cluster.clearClusterErrors(api: api)
  }
}
