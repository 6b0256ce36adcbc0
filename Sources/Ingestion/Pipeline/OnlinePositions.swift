import Kafka
import OnlineStore

/// Per group version's table and partition, where the online store stands: the last offset
/// the table has decided on and the partition's log clock there (`PartitionPosition`).
///
/// Per table, not per partition alone, because tables fill independently: a new group
/// version starts from the earliest offset Kafka holds while the others go on from theirs,
/// and a group that comes back to the config resumes where its own table stopped.
package struct OnlinePositions: Sendable {
  package struct Held: Sendable, Hashable {
    package var offset: Int64
    package var clockMillis: Int64
  }

  private var tables: [String: [TopicPartition: Held]] = [:]

  package init(_ positions: [PartitionPosition] = []) {
    for position in positions {
      tables[position.table, default: [:]][TopicPartition(position.topic, position.partition)] =
        Held(offset: position.offset, clockMillis: position.logClockMillis)
    }
  }

  package func held(table: String, _ partition: TopicPartition) -> Held? {
    tables[table]?[partition]
  }

  /// Moves `table` to `offset` in `partition` (never back), with the clock there.
  package mutating func advance(
    table: String, _ partition: TopicPartition, offset: Int64, clockMillis: Int64
  ) {
    if let current = tables[table]?[partition], current.offset >= offset { return }
    tables[table, default: [:]][partition] = Held(offset: offset, clockMillis: clockMillis)
  }

  /// Per partition any table knows, the least position over `names` (-1 where one of them
  /// holds nothing of it): every one of those tables holds the records up to it, and
  /// consumption resumes after it.
  package func leastPositions(over names: [String]) -> [TopicPartition: Int64] {
    let partitions = self.partitions(of: names)
    var least: [TopicPartition: Int64] = [:]
    for partition in partitions {
      least[partition] = names.map { tables[$0]?[partition]?.offset ?? -1 }.min() ?? -1
    }
    return least
  }

  private func partitions(of names: [String]) -> Set<TopicPartition> {
    var partitions = Set<TopicPartition>()
    for name in names {
      if let held = tables[name] { partitions.formUnion(held.keys) }
    }
    return partitions
  }

  /// Per partition number, the least log clock over `names` and every topic: what the dedup
  /// index may forget by (`DedupIndex.prune`). A partition where one of the tables has no
  /// clock yet (a new version filling from the start) gets none, so nothing of it is
  /// forgotten until every table there has one.
  package func clockFloors(over names: [String]) -> [Int32: Int64] {
    var floors: [Int32: Int64] = [:]
    var unknown = Set<Int32>()
    for partition in partitions(of: names) {
      for name in names {
        guard let clock = tables[name]?[partition]?.clockMillis, clock != LogClock.unset else {
          unknown.insert(partition.partition)
          continue
        }
        floors[partition.partition] = min(floors[partition.partition] ?? .max, clock)
      }
    }
    for partition in unknown { floors[partition] = nil }
    return floors
  }
}
