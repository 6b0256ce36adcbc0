import CKafkaShim
import CRdKafka
import Synchronization

/// The producer side of the wrapper: enqueueing records and serving delivery reports.
extension RdKafkaClient {
  static func installProducerCallbacks(_ conf: OpaquePointer) {
    rd_kafka_conf_set_dr_msg_cb(conf, deliveryReportCallback)
  }

  /// Enqueues one record without waiting. `timestampMilliseconds` nil: librdkafka stamps
  /// the record with the current time (its 0). Throws `.queueFull` when librdkafka's queue is
  /// full (the caller decides how to wait). `waiter`, if given, is retained until the
  /// record's delivery report releases it.
  func produce(
    topic: RdKafkaTopicHandles.Handle, partition: Int32?, key: [UInt8]?, value: [UInt8]?,
    headers: [KafkaHeader], timestampMilliseconds: Int64? = nil, waiter: DeliveryWaiter?
  ) throws {
    let headerList: OpaquePointer? = headers.isEmpty ? nil : Self.makeHeaders(headers)
    let opaque = waiter.map { Unmanaged.passRetained($0).toOpaque() }
    let code = Self.withBytes(key) { keyPointer, keyCount in
      Self.withBytes(value) { valuePointer, valueCount in
        idem_produce(
          handle, topic.pointer, partition ?? idem_partition_unassigned(), keyPointer, keyCount,
          valuePointer, valueCount, headerList, timestampMilliseconds ?? 0, opaque)
      }
    }
    guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
    // Not enqueued: the headers and the waiter are still ours.
    if let headerList { rd_kafka_headers_destroy(headerList) }
    if let opaque { Unmanaged<DeliveryWaiter>.fromOpaque(opaque).release() }
    throw Self.error(code, "producing to \(topic.name)")
  }

  /// Serves queued delivery reports, waiting up to `milliseconds` for one.
  func servePendingEvents(waitingMilliseconds milliseconds: Int32) {
    _ = rd_kafka_poll(handle, milliseconds)
  }

  /// Records not yet acknowledged by the broker (or whose report was not served yet).
  var outstandingCount: Int { Int(rd_kafka_outq_len(handle)) }

  func flush(timeout: Duration) throws {
    try Self.check(rd_kafka_flush(handle, Int32(timeout.wholeMilliseconds)), "flushing")
  }

  /// Fails every record not yet delivered (their reports say so), so that nothing waits
  /// forever on a producer that is going away.
  func purgeOutstanding() {
    _ = rd_kafka_purge(handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
  }

  private static func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer {
    let list = rd_kafka_headers_new(headers.count)!
    for header in headers {
      withBytes(header.value) { pointer, count in
        _ = rd_kafka_header_add(list, header.name, -1, pointer, header.value == nil ? 0 : count)
      }
    }
    return list
  }

  /// librdkafka tells a null key/value (NULL pointer) from an empty one (non-NULL, length
  /// 0), so an empty array must still come with a valid pointer.
  private static func withBytes<Result>(
    _ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> Result
  ) -> Result {
    guard let bytes else { return body(nil, 0) }
    if bytes.isEmpty { return withUnsafeBytes(of: 0 as UInt8) { body($0.baseAddress, 0) } }
    return bytes.withUnsafeBytes { body($0.baseAddress, $0.count) }
  }
}

/// librdkafka topic handles (`rd_kafka_topic_t`) by name, created once per topic so that
/// producing does not look the topic up by name for every record.
final class RdKafkaTopicHandles: Sendable {
  struct Handle: @unchecked Sendable {
    let name: String
    let pointer: OpaquePointer
  }

  private struct State {
    var handles: [String: Handle] = [:]
    /// Most sends go to the topic of the previous one: a string comparison beats hashing.
    var last: Handle?
  }

  private let client: RdKafkaClient
  private let state = Mutex(State())

  init(client: RdKafkaClient) { self.client = client }

  deinit {
    state.withLock { state in
      for handle in state.handles.values { rd_kafka_topic_destroy(handle.pointer) }
    }
  }

  func handle(for topic: String) throws -> Handle {
    try state.withLock { state in
      if let last = state.last, last.name == topic { return last }
      if let handle = state.handles[topic] {
        state.last = handle
        return handle
      }
      guard let pointer = rd_kafka_topic_new(client.handle, topic, nil) else {
        throw RdKafkaClient.error(rd_kafka_last_error(), "opening topic \(topic)")
      }
      let handle = Handle(name: topic, pointer: pointer)
      state.handles[topic] = handle
      state.last = handle
      return handle
    }
  }
}

// MARK: C callback

private func deliveryReportCallback(
  _ handle: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?,
  _ opaque: UnsafeMutableRawPointer?
) {
  guard let message else { return }
  let fields = message.pointee
  let failure =
    fields.err == RD_KAFKA_RESP_ERR_NO_ERROR
    ? nil : RdKafkaClient.error(fields.err, "delivering a record")
  if let waiterPointer = fields._private {
    let waiter = Unmanaged<DeliveryWaiter>.fromOpaque(waiterPointer).takeRetainedValue()
    if let failure {
      waiter.continuation.resume(throwing: failure)
    } else {
      waiter.continuation.resume(returning: report(fields, failure: nil))
    }
    return
  }
  guard let opaque else { return }
  let context = Unmanaged<ProducerDeliveryContext>.fromOpaque(opaque).takeUnretainedValue()
  context.recordDelivery(failure: failure)
  context.handler?(report(fields, failure: failure))
}

private func report(_ fields: rd_kafka_message_t, failure: KafkaError?) -> KafkaDeliveryReport {
  KafkaDeliveryReport(
    topic: fields.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "",
    partition: fields.partition, offset: failure == nil ? fields.offset : nil, error: failure)
}
