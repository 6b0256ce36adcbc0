import Delta
import OnlineStore
import Parquet

/// Each entity's greatest offline write, among the rows the online store has taken: what
/// `verify` compares the online store against.
///
/// Found column by column rather than row by row: a first pass reads only the key and order
/// columns of each row to number its entity (`EntitySlots`, which compares keys byte for byte
/// as SQLite does) and remember, per entity number, the order and place of its greatest row.
/// Only the winners are ever turned into `OnlineRow`s, when the comparison asks for them, so a
/// million offline rows cost no per-row allocation beyond their key values.
struct LatestOfflineWrites {
  private var slots: EntitySlots
  private let files: [OfflineFileColumns]
  /// Per entity slot: the order of its greatest held row, and where that row is.
  private var orders: [OnlineWriteOrder] = []
  private var places: [RowPlace] = []

  private struct RowPlace {
    var file: Int32
    var row: Int32
  }

  /// Entities (slots `0..<entityCount`) with at least one held offline row.
  var entityCount: Int { orders.count }

  /// Scans `files` in order, counting only rows at or below `held` for their partition.
  /// `progress` gets the running count of rows read after each file.
  init(
    files: [OfflineFileColumns], held: HeldOffsets, progress: ((Int) -> Void)? = nil
  ) {
    self.files = files
    slots = EntitySlots(expectedCount: files.reduce(0) { $0 + $1.rowCount })
    var scanned = 0
    var key = [OnlineValue](repeating: .null, count: files.first?.keyColumns.count ?? 0)
    for (fileIndex, file) in files.enumerated() {
      let limits = held.limits(topics: file.topics)
      for row in 0..<file.rowCount {
        let offset = file.offsets[row]
        let partition = file.partitions[row]
        guard offset <= limits.limit(topic: file.topicIndices[row], partition: partition) else {
          continue
        }
        for column in key.indices { key[column] = file.keyValue(column, row) }
        let slot = slots.slot(for: key)
        let order = OnlineWriteOrder(
          eventTime: file.eventTimes[row], partition: partition, offset: offset)
        let place = RowPlace(file: Int32(fileIndex), row: Int32(row))
        if slot == orders.count {
          orders.append(order)
          places.append(place)
        } else if orders[slot] < order {
          orders[slot] = order
          places[slot] = place
        }
      }
      scanned += file.rowCount
      progress?(scanned)
    }
  }

  /// The entity slot of an online key; a slot at or past `entityCount` means no held
  /// offline row has that key.
  mutating func slot(for key: [OnlineValue]) -> Int { slots.slot(for: key) }

  func order(of slot: Int) -> OnlineWriteOrder { orders[slot] }

  /// Whether the entity's greatest write is a delete.
  func isTombstone(_ slot: Int) -> Bool {
    let place = places[slot]
    return files[Int(place.file)].isDelete(Int(place.row))
  }

  /// The entity's greatest write as the online row it should have produced.
  func onlineRow(of slot: Int) -> OnlineRow {
    let place = places[slot]
    return files[Int(place.file)].onlineRow(Int(place.row), order: orders[slot])
  }
}
