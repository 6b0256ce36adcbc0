import CRdKafka

extension RdKafkaClient {
  /// The partition ids of `topic`, from a metadata request to the cluster.
  func partitions(of topic: String, timeout: Duration) throws -> [Int32] {
    guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else {
      throw KafkaError(code: .invalidArgument, message: "cannot open topic \(topic)")
    }
    defer { rd_kafka_topic_destroy(topicHandle) }
    var metadata: UnsafePointer<rd_kafka_metadata>?
    let code = rd_kafka_metadata(
      handle, 0, topicHandle, &metadata, Int32(timeout.wholeMilliseconds))
    try Self.check(code, "reading metadata of topic \(topic)")
    guard let metadata else { return [] }
    defer { rd_kafka_metadata_destroy(metadata) }
    var ids: [Int32] = []
    for index in 0..<Int(metadata.pointee.topic_cnt) {
      let entry = metadata.pointee.topics[index]
      guard String(cString: entry.topic) == topic else { continue }
      try Self.check(entry.err, "reading metadata of topic \(topic)")
      for partition in 0..<Int(entry.partition_cnt) {
        ids.append(entry.partitions[partition].id)
      }
    }
    return ids.sorted()
  }

  /// One metadata request for no topic in particular: it needs a broker that answers.
  func checkReachable(timeout: Duration) throws {
    var metadata: UnsafePointer<rd_kafka_metadata>?
    let code = rd_kafka_metadata(handle, 0, nil, &metadata, Int32(timeout.wholeMilliseconds))
    if let metadata { rd_kafka_metadata_destroy(metadata) }
    try Self.check(code, "asking the cluster for its brokers")
  }

  /// The leader broker id of each of `partitions` that has one, from one metadata request.
  func leaders(of partitions: Set<TopicPartition>, timeout: Duration) throws -> [TopicPartition:
    Int32]
  {
    var metadata: UnsafePointer<rd_kafka_metadata>?
    let code = rd_kafka_metadata(handle, 1, nil, &metadata, Int32(timeout.wholeMilliseconds))
    try Self.check(code, "reading the cluster's metadata")
    guard let metadata else { return [:] }
    defer { rd_kafka_metadata_destroy(metadata) }
    var leaders: [TopicPartition: Int32] = [:]
    for index in 0..<Int(metadata.pointee.topic_cnt) {
      let entry = metadata.pointee.topics[index]
      let topic = String(cString: entry.topic)
      for position in 0..<Int(entry.partition_cnt) {
        let partition = TopicPartition(topic, entry.partitions[position].id)
        if partitions.contains(partition), entry.partitions[position].leader >= 0 {
          leaders[partition] = entry.partitions[position].leader
        }
      }
    }
    return leaders
  }

  /// Per partition, the earliest offset whose timestamp is at or after `milliseconds`
  /// (Kafka's ListOffsets by time); -1 when no record is that late.
  func offsets(forTimestamp milliseconds: Int64, of partitions: [TopicPartition], timeout: Duration)
    throws -> [TopicPartition: Int64]
  {
    let list = RdKafkaPartitionList(
      Dictionary(uniqueKeysWithValues: partitions.map { ($0, milliseconds) }))
    let code = rd_kafka_offsets_for_times(handle, list.list, Int32(timeout.wholeMilliseconds))
    try Self.check(code, "looking up offsets by time")
    if let failure = list.firstError("looking up offsets by time for") { throw failure }
    var offsets: [TopicPartition: Int64] = [:]
    for element in list.elements { offsets[element.partition] = element.offset }
    return offsets
  }
}
