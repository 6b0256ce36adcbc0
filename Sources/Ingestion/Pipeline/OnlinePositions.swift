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

  /// What the dedup index may forget by (`DedupIndex.prune`): every table's clock in every
  /// partition, tables out of the config included, which stand where they stopped so
  /// that their entries are kept until they come back and move on.
  package func clockFloors() -> DedupClockFloors {
    var floors = DedupClockFloors()
    for (name, partitions) in tables {
      let tag = DedupEntry.tableTag(of: name)
      for (partition, held) in partitions {
        floors.add(tableTag: tag, partition: partition.partition, clockMillis: held.clockMillis)
      }
    }
    return floors
  }
}
