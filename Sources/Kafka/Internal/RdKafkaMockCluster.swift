import CKafkaShim
import CRdKafka

/// Owns a librdkafka mock cluster (`rd_kafka_mock_cluster_t`) and the client handle it
/// lives in; the only code that calls librdkafka's mock API.
final class RdKafkaMockCluster: @unchecked Sendable {
  private let owner: RdKafkaClient
  private let cluster: OpaquePointer

  init(brokerCount: Int, properties: [String: String]) throws {
    owner = try RdKafkaClient(role: .producer, properties: properties)
    guard let cluster = rd_kafka_mock_cluster_new(owner.handle, Int32(brokerCount)) else {
      throw KafkaError(code: .unknown, message: "librdkafka could not start a mock cluster")
    }
    self.cluster = cluster
  }

  deinit {
    // The cluster runs on the owner's threads: stop it before the owner goes.
    rd_kafka_mock_cluster_destroy(cluster)
  }

  var bootstrapServers: String { String(cString: rd_kafka_mock_cluster_bootstraps(cluster)) }

  func createTopic(_ name: String, partitions: Int, replicationFactor: Int) throws {
    try RdKafkaClient.check(
      rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor)),
      "creating topic \(name)")
  }

  func setBroker(_ brokerID: Int32, up: Bool) throws {
    let code =
      up
      ? rd_kafka_mock_broker_set_up(cluster, brokerID)
      : rd_kafka_mock_broker_set_down(cluster, brokerID)
    try RdKafkaClient.check(code, "setting broker \(brokerID) \(up ? "up" : "down")")
  }

  func setRoundTripTime(_ brokerID: Int32, milliseconds: Int) throws {
    try RdKafkaClient.check(
      rd_kafka_mock_broker_set_rtt(cluster, brokerID, Int32(milliseconds)),
      "setting the round-trip time of broker \(brokerID)")
  }

  func pushErrors(_ errors: [(KafkaErrorCode, Int)], api: KafkaAPIKey, brokerID: Int32) throws {
    let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0.0.rawValue) }
    let delays = errors.map { Int32($0.1) }
    try RdKafkaClient.check(
      idem_mock_broker_push_errors(cluster, brokerID, api.rawValue, codes, delays, errors.count),
      "injecting errors into broker \(brokerID)")
  }

  func pendingErrorCount(api: KafkaAPIKey, brokerID: Int32) throws -> Int {
    var count = 0
    try RdKafkaClient.check(
      rd_kafka_mock_broker_error_stack_cnt(cluster, brokerID, api.rawValue, &count),
      "reading the error stack of broker \(brokerID)")
    return count
  }

  func pushClusterErrors(_ errors: [KafkaErrorCode], api: KafkaAPIKey) {
    let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0.rawValue) }
    rd_kafka_mock_push_request_errors_array(cluster, api.rawValue, codes.count, codes)
  }

  func clearClusterErrors(api: KafkaAPIKey) {
    rd_kafka_mock_clear_request_errors(cluster, api.rawValue)
  }
}
