import CKafkaShim
import CRdKafka

/// The consumer side of the wrapper: group membership, positions, and batch consumption.
extension RdKafkaClient {
  /// Registers the callbacks that report into a `ConsumerCallbackContext` (the conf opaque).
  static func installConsumerCallbacks(_ conf: OpaquePointer, forwardingLogs: Bool) {
    rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback)
    rd_kafka_conf_set_offset_commit_cb(conf, offsetCommitCallback)
    rd_kafka_conf_set_error_cb(conf, errorCallback)
    // With a log callback librdkafka prints nothing itself: each line is the handler's.
    if forwardingLogs { rd_kafka_conf_set_log_cb(conf, logCallback) }
  }

  func subscribe(_ topics: [String]) throws {
    let list = RdKafkaPartitionList(capacity: topics.count)
    for topic in topics { list.add(TopicPartition(topic, idem_partition_unassigned()), offset: 0) }
    try Self.check(rd_kafka_subscribe(handle, list.list), "subscribing to \(topics)")
  }

  func assign(_ offsets: [TopicPartition: Int64]) throws {
    let list = RdKafkaPartitionList(offsets)
    try Self.check(rd_kafka_assign(handle, list.list), "assigning \(offsets.keys.sorted())")
  }

  func assignment() throws -> [TopicPartition] {
    var raw: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    try Self.check(rd_kafka_assignment(handle, &raw), "reading the assignment")
    guard let raw else { return [] }
    return RdKafkaPartitionList(adopting: raw).elements.map(\.partition)
  }

  func seek(_ offsets: [TopicPartition: Int64], timeout: Duration) throws {
    let list = RdKafkaPartitionList(offsets)
    try Self.consume(
      rd_kafka_seek_partitions(handle, list.list, Int32(timeout.wholeMilliseconds)),
      "seeking \(offsets.keys.sorted())")
    if let failure = list.firstError("seeking") { throw failure }
  }

  func commit(_ offsets: [TopicPartition: Int64]?, async: Bool) throws {
    let list = offsets.map(RdKafkaPartitionList.init)
    let code = rd_kafka_commit(handle, list?.list, async ? 1 : 0)
    // Nothing consumed since the last commit is not a failure.
    guard code != RD_KAFKA_RESP_ERR__NO_OFFSET else { return }
    try Self.check(code, "committing offsets")
    if let failure = list?.firstError("committing") { throw failure }
  }

  func committed(_ partitions: [TopicPartition], timeout: Duration) throws -> [TopicPartition:
    Int64]
  {
    let list = RdKafkaPartitionList(
      Dictionary(uniqueKeysWithValues: partitions.map { ($0, idem_offset_invalid()) }))
    try Self.check(
      rd_kafka_committed(handle, list.list, Int32(timeout.wholeMilliseconds)),
      "reading committed offsets")
    var result: [TopicPartition: Int64] = [:]
    for element in list.elements where element.offset >= 0 {
      result[element.partition] = element.offset
    }
    return result
  }

  func closeConsumer() throws {
    try Self.check(rd_kafka_consumer_close(handle), "closing the consumer")
  }

  /// Takes up to `maxRecords` records: the first to arrive within the timeout, then those
  /// already waiting. `rebalanced` tells (and clears) whether a rebalance callback ran; the
  /// batch ends there so that every record returned precedes the rebalance. The records
  /// stay in librdkafka's buffers (see `KafkaMessageBatch`); a message carrying an error
  /// comes back as that error and is freed.
  ///
  /// One `rd_kafka_consumer_poll` per record rather than `rd_kafka_consume_batch_queue`:
  /// librdkafka 2.0.x's batch API can skip or repeat offsets around rebalances and seeks
  /// (fixed only in 2.1.0), which would break exactly-once downstream.
  func consumeMessages(
    maxRecords: Int, timeoutMilliseconds: Int32, rebalanced: () -> Bool
  ) -> (messages: KafkaMessageBatch, errors: [KafkaError]) {
    var messages: [UnsafeMutablePointer<rd_kafka_message_t>] = []
    var topics: [String] = []
    // Growing a large batch by doubling copies it several times over.
    messages.reserveCapacity(min(maxRecords, 1 << 16))
    topics.reserveCapacity(min(maxRecords, 1 << 16))
    var errors: [KafkaError] = []
    var topicNames = TopicNameCache()
    var wait = timeoutMilliseconds
    while messages.count + errors.count < maxRecords {
      guard let message = rd_kafka_consumer_poll(handle, wait) else { break }
      wait = 0
      let topic = topicNames.name(of: message.pointee.rkt)
      if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
        messages.append(message)
        topics.append(topic ?? "")
      } else {
        errors.append(Self.takeError(message, topic: topic))
      }
      if rebalanced() { break }
    }
    _ = rebalanced()
    return (KafkaMessageBatch(messages: messages, topics: topics), errors)
  }

  /// `consumeMessages`, copied into `KafkaRecord`s that outlive the poll.
  func consumeRecords(
    maxRecords: Int, timeoutMilliseconds: Int32, rebalanced: () -> Bool
  ) -> (records: [KafkaRecord], errors: [KafkaError]) {
    let (messages, errors) = consumeMessages(
      maxRecords: maxRecords, timeoutMilliseconds: timeoutMilliseconds, rebalanced: rebalanced)
    return ((0..<messages.count).map { messages[$0].copied() }, errors)
  }

  /// The error a message carries instead of a record; frees the message.
  private static func takeError(
    _ message: UnsafeMutablePointer<rd_kafka_message_t>, topic: String?
  ) -> KafkaError {
    defer { rd_kafka_message_destroy(message) }
    let text = rd_kafka_message_errstr(message).map { String(cString: $0) } ?? ""
    return KafkaError(
      code: code(message.pointee.err),
      message: "\(topic ?? "?")[\(message.pointee.partition)]: \(text)")
  }

  /// A message's headers, in order.
  static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
    var headerList: OpaquePointer?
    guard rd_kafka_message_headers(message, &headerList) == RD_KAFKA_RESP_ERR_NO_ERROR,
      let headerList
    else { return [] }
    return readHeaders(headerList)
  }

  private static func readHeaders(_ list: OpaquePointer) -> [KafkaHeader] {
    var headers: [KafkaHeader] = []
    var index = 0
    var name: UnsafePointer<CChar>?
    var value: UnsafeRawPointer?
    var size = 0
    while rd_kafka_header_get_all(list, index, &name, &value, &size)
      == RD_KAFKA_RESP_ERR_NO_ERROR
    {
      if let name {
        headers.append(KafkaHeader(name: String(cString: name), value: copyBytes(value, size)))
      }
      index += 1
    }
    return headers
  }

  /// A header value's bytes: one allocation and one `memcpy`. (`KafkaMessage.copied()`
  /// copies keys and values the same way: `Array(UnsafeRawBufferPointer)` is specialized,
  /// `[UInt8](unsafeUninitializedCapacity:)` goes through an unspecialized runtime path
  /// and measured 4x slower.)
  @inline(__always)
  static func copyBytes(_ pointer: UnsafeRawPointer?, _ count: Int) -> [UInt8]? {
    guard let pointer else { return nil }
    return Array(UnsafeRawBufferPointer(start: pointer, count: count))
  }
}

/// Remembers the Swift `String` for each topic handle seen in a poll, so that records of one
/// topic share one string instead of each building its own.
struct TopicNameCache {
  private var lastHandle: OpaquePointer?
  private var lastName: String?
  private var names: [OpaquePointer: String] = [:]

  mutating func name(of handle: OpaquePointer?) -> String? {
    guard let handle else { return nil }
    if handle == lastHandle { return lastName }
    let name = names[handle] ?? String(cString: rd_kafka_topic_name(handle))
    names[handle] = name
    lastHandle = handle
    lastName = name
    return name
  }
}

// MARK: C callbacks (no captures: they find their context through the conf opaque)

private func context(_ opaque: UnsafeMutableRawPointer?) -> ConsumerCallbackContext? {
  opaque.map { Unmanaged<ConsumerCallbackContext>.fromOpaque($0).takeUnretainedValue() }
}

/// Assigns with the service's start offsets (so the first fetch is already at the right
/// place) or unassigns, records the event, and yields so that the poll returns here.
private func rebalanceCallback(
  _ handle: OpaquePointer?, _ code: rd_kafka_resp_err_t,
  _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
  _ opaque: UnsafeMutableRawPointer?
) {
  guard let handle, let list, let context = context(opaque) else { return }
  let partitions = RdKafkaPartitionListView(list).partitions
  let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
  if code == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
    var starts = Dictionary(uniqueKeysWithValues: partitions.map { ($0, KafkaOffset.committed) })
    do {
      if let provider = context.startOffsets {
        for (partition, offset) in try provider(partitions) where starts[partition] != nil {
          starts[partition] = offset
        }
      }
      for index in 0..<Int(list.pointee.cnt) {
        let element = list.pointee.elems[index]
        let partition = TopicPartition(String(cString: element.topic), element.partition)
        list.pointee.elems[index].offset = starts[partition, default: .committed].rawOffset
      }
      if cooperative {
        try RdKafkaClient.consume(rd_kafka_incremental_assign(handle, list), "assigning")
      } else {
        try RdKafkaClient.check(rd_kafka_assign(handle, list), "assigning")
      }
      context.record(.assigned(starts), isRebalance: true)
    } catch {
      // Reading from the wrong place would break exactly-once: take nothing, fail the poll.
      if !cooperative { _ = rd_kafka_assign(handle, nil) }
      context.fail(error)
      context.record(.assigned([:]), isRebalance: true)
    }
  } else {
    if cooperative {
      if let error = rd_kafka_incremental_unassign(handle, list) { rd_kafka_error_destroy(error) }
    } else {
      _ = rd_kafka_assign(handle, nil)
    }
    context.record(.revoked(partitions), isRebalance: true)
  }
  rd_kafka_yield(handle)
}

private func offsetCommitCallback(
  _ handle: OpaquePointer?, _ code: rd_kafka_resp_err_t,
  _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
  _ opaque: UnsafeMutableRawPointer?
) {
  guard let context = context(opaque) else { return }
  var offsets: [TopicPartition: Int64] = [:]
  var failure: KafkaError?
  if code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR__NO_OFFSET {
    failure = RdKafkaClient.error(code, "committing offsets")
  }
  if let list {
    let view = RdKafkaPartitionListView(list)
    for (partition, offset, error) in view.elements {
      offsets[partition] = offset
      if failure == nil, error != RD_KAFKA_RESP_ERR_NO_ERROR {
        failure = RdKafkaClient.error(error, "committing \(partition)")
      }
    }
  }
  context.record(.committed(offsets, failure))
}

private func errorCallback(
  _ handle: OpaquePointer?, _ code: Int32, _ reason: UnsafePointer<CChar>?,
  _ opaque: UnsafeMutableRawPointer?
) {
  guard let context = context(opaque) else { return }
  let text = reason.map { String(cString: $0) } ?? ""
  let error = KafkaError(
    code: KafkaErrorCode(rawValue: code), message: text,
    isFatal: code == Int32(RD_KAFKA_RESP_ERR__FATAL.rawValue))
  context.record(.error(error))
}

private func logCallback(
  _ handle: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?,
  _ text: UnsafePointer<CChar>?
) {
  guard let handle, let context = context(rd_kafka_opaque(handle)) else { return }
  context.logHandler?(
    KafkaLogMessage(
      severity: level, facility: facility.map { String(cString: $0) } ?? "",
      text: text.map { String(cString: $0) } ?? ""))
}

/// Reads a partition list librdkafka still owns (inside callbacks).
struct RdKafkaPartitionListView {
  let list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

  init(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) { self.list = list }

  var elements: [(partition: TopicPartition, offset: Int64, error: rd_kafka_resp_err_t)] {
    (0..<Int(list.pointee.cnt)).map { index in
      let element = list.pointee.elems[index]
      return (
        TopicPartition(String(cString: element.topic), element.partition), element.offset,
        element.err
      )
    }
  }

  var partitions: [TopicPartition] { elements.map(\.partition) }
}
