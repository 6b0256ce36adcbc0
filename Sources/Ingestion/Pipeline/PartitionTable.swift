import Kafka

/// Values kept per Kafka partition and looked up once per record, without hashing the topic
/// name as a `[TopicPartition: Value]` would: the slot is found by partition number in an
/// array and the topic compared (the consumer hands every record of a topic the same string,
/// so that is a compare of two words). A partition number another topic took first, or one
/// past `directLimit`, goes to a dictionary instead.
struct PartitionTable<Value> {
  /// Partition numbers below this are found by index (4 bytes of array per number).
  static var directLimit: Int { 1 << 16 }

  private(set) var partitions: [TopicPartition] = []
  private var values: [Value] = []
  /// By partition number: the slot + 1 of the first topic seen with it, 0 for none.
  private var byNumber: [Int32] = []
  private var others: [TopicPartition: Int] = [:]

  var isEmpty: Bool { partitions.isEmpty }

  /// The slot of (`topic`, `partition`), nil when absent.
  @inline(__always)
  func slot(topic: String, partition: Int32) -> Int? {
    let number = Int(partition)
    if number >= 0 && number < byNumber.count {
      let slot = Int(byNumber[number]) - 1
      if slot >= 0 && partitions[slot].topic == topic { return slot }
    }
    return others.isEmpty ? nil : others[TopicPartition(topic, partition)]
  }

  /// Adds (`topic`, `partition`), which must be absent, and returns its slot.
  mutating func insert(topic: String, partition: Int32, _ value: Value) -> Int {
    let slot = partitions.count
    let key = TopicPartition(topic, partition)
    partitions.append(key)
    values.append(value)
    let number = Int(partition)
    if number >= 0 && number < Self.directLimit {
      if number >= byNumber.count {
        byNumber.append(contentsOf: repeatElement(0, count: number + 1 - byNumber.count))
      }
      if byNumber[number] == 0 {
        byNumber[number] = Int32(slot + 1)
        return slot
      }
    }
    others[key] = slot
    return slot
  }

  subscript(slot: Int) -> Value {
    get { values[slot] }
    set { values[slot] = newValue }
  }

  /// Every partition with its value.
  var dictionary: [TopicPartition: Value] {
    Dictionary(uniqueKeysWithValues: zip(partitions, values))
  }
}
