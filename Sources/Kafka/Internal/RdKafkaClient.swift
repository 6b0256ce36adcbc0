import CKafkaShim
import CRdKafka

/// Owns one librdkafka client handle (`rd_kafka_t`). This type and its extensions are the
/// only code that calls librdkafka's client API; the public types above them deal in Swift
/// values. librdkafka's handle is thread-safe, hence `@unchecked Sendable`.
final class RdKafkaClient: @unchecked Sendable {
  enum Role {
    case producer
    case consumer
  }

  /// The `rd_kafka_t *`.
  let handle: OpaquePointer

  /// Kept alive for as long as librdkafka may call back into it (until after destroy).
  private let callbackContext: (any Sendable & AnyObject)?

  /// Creates the client. `installCallbacks` may register C callbacks on the configuration
  /// before librdkafka takes it over; those callbacks get `callbackContext` as their opaque.
  init(
    role: Role, properties: [String: String], callbackContext: (any Sendable & AnyObject)? = nil,
    installCallbacks: (OpaquePointer) -> Void = { _ in }
  ) throws {
    let conf = try Self.makeConfiguration(properties)
    self.callbackContext = callbackContext
    rd_kafka_conf_set_opaque(conf, callbackContext.map { Unmanaged.passUnretained($0).toOpaque() })
    installCallbacks(conf)
    var reason = [CChar](repeating: 0, count: 512)
    let type = role == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
    guard let handle = rd_kafka_new(type, conf, &reason, reason.count) else {
      rd_kafka_conf_destroy(conf)
      throw KafkaError(
        code: .invalidArgument, message: "cannot create client: \(Self.string(reason))")
    }
    self.handle = handle
    if role == .consumer {
      // Serve error and rebalance callbacks from the same queue the records come from.
      rd_kafka_poll_set_consumer(handle)
    }
  }

  deinit {
    rd_kafka_destroy(handle)
  }

  /// Builds an `rd_kafka_conf_t`, rejecting unknown properties and bad values by name.
  static func makeConfiguration(_ properties: [String: String]) throws -> OpaquePointer {
    let conf = rd_kafka_conf_new()!
    var reason = [CChar](repeating: 0, count: 512)
    for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
      if rd_kafka_conf_set(conf, name, value, &reason, reason.count) != RD_KAFKA_CONF_OK {
        rd_kafka_conf_destroy(conf)
        throw KafkaError(
          code: .invalidArgument, message: "setting \(name)=\(value): \(string(reason))")
      }
    }
    return conf
  }

  /// Throws librdkafka's reason when it does not take `value` for the property `name`.
  static func checkProperty(_ name: String, _ value: String) throws {
    let conf = rd_kafka_conf_new()!
    defer { rd_kafka_conf_destroy(conf) }
    var reason = [CChar](repeating: 0, count: 512)
    if rd_kafka_conf_set(conf, name, value, &reason, reason.count) != RD_KAFKA_CONF_OK {
      throw KafkaError(code: .invalidArgument, message: string(reason))
    }
  }

  /// The fatal error that has made this client unusable, if any.
  func fatalError() -> KafkaError? {
    var reason = [CChar](repeating: 0, count: 512)
    let code = rd_kafka_fatal_error(handle, &reason, reason.count)
    guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
    return KafkaError(code: Self.code(code), message: Self.string(reason), isFatal: true)
  }

  /// Asks the partition leader for the current log range.
  func queryWatermarks(_ partition: TopicPartition, timeout: Duration) throws -> PartitionWatermarks
  {
    var low: Int64 = 0
    var high: Int64 = 0
    let code = rd_kafka_query_watermark_offsets(
      handle, partition.topic, partition.partition, &low, &high, Int32(timeout.wholeMilliseconds))
    try Self.check(code, "querying watermarks of \(partition)")
    return PartitionWatermarks(low: low, high: high)
  }

  /// The log range last seen in fetch responses; `nil` before the first one.
  func cachedWatermarks(_ partition: TopicPartition) -> PartitionWatermarks? {
    var low: Int64 = idem_offset_invalid()
    var high: Int64 = idem_offset_invalid()
    let code = rd_kafka_get_watermark_offsets(
      handle, partition.topic, partition.partition, &low, &high)
    guard code == RD_KAFKA_RESP_ERR_NO_ERROR, low >= 0, high >= 0 else { return nil }
    return PartitionWatermarks(low: low, high: high)
  }

  // MARK: Conversions shared by the extensions

  static func code(_ raw: rd_kafka_resp_err_t) -> KafkaErrorCode {
    KafkaErrorCode(rawValue: Int32(raw.rawValue))
  }

  static func error(_ raw: rd_kafka_resp_err_t, _ context: String) -> KafkaError {
    let code = code(raw)
    return KafkaError(code: code, message: "\(context): \(code.text)")
  }

  static func check(_ raw: rd_kafka_resp_err_t, _ context: @autoclosure () -> String) throws {
    guard raw == RD_KAFKA_RESP_ERR_NO_ERROR else { throw error(raw, context()) }
  }

  /// Converts and frees an `rd_kafka_error_t`.
  static func consume(_ error: OpaquePointer?, _ context: String) throws {
    guard let error else { return }
    let code = code(rd_kafka_error_code(error))
    let text = String(cString: rd_kafka_error_string(error))
    let fatal = rd_kafka_error_is_fatal(error) != 0
    rd_kafka_error_destroy(error)
    throw KafkaError(code: code, message: "\(context): \(text)", isFatal: fatal)
  }

  static func string(_ buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }

  static func errorName(_ code: KafkaErrorCode) -> String {
    String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: code.rawValue)))
  }

  static func errorText(_ code: KafkaErrorCode) -> String {
    String(cString: rd_kafka_err2str(rd_kafka_resp_err_t(rawValue: code.rawValue)))
  }
}

/// An owned `rd_kafka_topic_partition_list_t`, freed when this value goes away.
final class RdKafkaPartitionList {
  let list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

  init(capacity: Int) {
    list = rd_kafka_topic_partition_list_new(Int32(max(capacity, 1)))
  }

  /// Takes over a list librdkafka handed out (it will be destroyed here).
  init(adopting list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
    self.list = list
  }

  convenience init(_ offsets: [TopicPartition: Int64]) {
    self.init(capacity: offsets.count)
    for (partition, offset) in offsets.sorted(by: { $0.key < $1.key }) {
      add(partition, offset: offset)
    }
  }

  deinit { rd_kafka_topic_partition_list_destroy(list) }

  func add(_ partition: TopicPartition, offset: Int64) {
    let element = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)!
    element.pointee.offset = offset
  }

  /// Every element as (partition, offset, error code).
  var elements: [(partition: TopicPartition, offset: Int64, error: rd_kafka_resp_err_t)] {
    RdKafkaPartitionListView(list).elements
  }

  /// The first per-partition error, if any element carries one.
  func firstError(_ context: String) -> KafkaError? {
    for element in elements where element.error != RD_KAFKA_RESP_ERR_NO_ERROR {
      return RdKafkaClient.error(element.error, "\(context) \(element.partition)")
    }
    return nil
  }
}
