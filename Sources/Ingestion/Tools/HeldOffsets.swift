import Kafka

/// The online store's position per partition, as the limit an offline row's offset must not
/// pass to count in `verify`: rows past it are ones the online store has not taken yet.
struct HeldOffsets {
  /// Per topic, indexed by partition: the held offset, -1 where nothing is held.
  private let byTopic: [String: [Int64]]

  init(_ positions: [TopicPartition: Int64]) {
    var byTopic: [String: [Int64]] = [:]
    for (position, offset) in positions where position.partition >= 0 {
      var limits = byTopic[position.topic, default: []]
      let index = Int(position.partition)
      if limits.count <= index { limits += repeatElement(-1, count: index + 1 - limits.count) }
      limits[index] = offset
      byTopic[position.topic] = limits
    }
    self.byTopic = byTopic
  }

  /// The limits of one file's distinct topics, in the file's topic numbering.
  func limits(topics: [String]) -> FileLimits {
    FileLimits(perTopic: topics.map { byTopic[$0] ?? [] })
  }

  /// Limits looked up by a row's topic number and partition, no string in sight.
  struct FileLimits {
    let perTopic: [[Int64]]

    func limit(topic: Int32, partition: Int32) -> Int64 {
      let limits = perTopic[Int(topic)]
      guard partition >= 0, Int(partition) < limits.count else { return -1 }
      return limits[Int(partition)]
    }
  }
}
