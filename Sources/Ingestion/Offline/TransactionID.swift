/// The Delta `txn` appId of a Kafka partition (docs/reference.md, "On disk"):
/// `idemstream-<group_id>-<topic>-<partition>`. Its `version` is the last offset the
/// table has taken from that partition.
import Delta
import Kafka

struct TransactionID: Hashable, Sendable {
  let groupID: String
  let topic: String
  let partition: Int32

  var appID: String { "idemstream-\(groupID)-\(topic)-\(partition)" }

  /// Parses an appId written for `groupID`; nil for any other (another group's or tool's).
  init?(appID: String, groupID: String) {
    let prefix = "idemstream-\(groupID)-"
    guard appID.hasPrefix(prefix) else { return nil }
    let rest = appID.dropFirst(prefix.count)
    // The topic may itself contain '-': the partition is after the last one.
    guard let dash = rest.lastIndex(of: "-"), dash != rest.startIndex,
      let partition = Int32(rest[rest.index(after: dash)...])
    else { return nil }
    self.init(groupID: groupID, topic: String(rest[..<dash]), partition: partition)
  }

  init(groupID: String, topic: String, partition: Int32) {
    self.groupID = groupID
    self.topic = topic
    self.partition = partition
  }

  /// The partition positions a table's `txn` actions record for `groupID`; other apps'
  /// transactions are left out.
  static func positions(in transactions: some Sequence<AppTransaction>, groupID: String)
    -> [TopicPartition: Int64]
  {
    var positions: [TopicPartition: Int64] = [:]
    for txn in transactions {
      guard let id = TransactionID(appID: txn.appId, groupID: groupID) else { continue }
      let partition = TopicPartition(id.topic, id.partition)
      positions[partition] = max(txn.version, positions[partition] ?? txn.version)
    }
    return positions
  }
}
