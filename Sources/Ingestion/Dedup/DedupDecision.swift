/// The dedup index's verdict on one record (see `DedupIndex.decide`).
public enum DedupDecision: Sendable, Hashable {
  /// New within the window: write it (the index holds it as pending until the batch commits).
  case accepted
  /// Another record with the same key and the same content was accepted within the window.
  case duplicate(DedupPosition)
  /// Another record with the same key but different content was accepted within the window:
  /// the first stands, this one is dead-lettered.
  case conflict(DedupPosition)
}

/// Where the record a dedup entry remembers was read.
public struct DedupPosition: Sendable, Hashable, CustomStringConvertible {
  public let partition: Int32
  public let offset: Int64

  public init(partition: Int32, offset: Int64) {
    self.partition = partition
    self.offset = offset
  }

  public var description: String { "partition \(partition) offset \(offset)" }
}
