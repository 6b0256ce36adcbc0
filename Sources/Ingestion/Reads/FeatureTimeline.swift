import Delta
import OnlineStore

/// One group's offline writes as of a table version, arranged per entity in write order
/// (`event_time`, partition, offset), to answer "the entity's greatest write at or before
/// time T" with a binary search: the look-up behind a point-in-time join.
///
/// Per entity, not one sorted list of all writes: a join row asks about one entity, and a
/// global sort by time would make every look-up scan the writes of other entities. The
/// writes are grouped by a counting sort over entity numbers (8 bytes per write beyond the
/// columns read), then each entity's few writes are sorted by order.
struct FeatureTimeline {
  let group: FeatureGroup
  /// The table version read.
  let version: Int64
  private let files: [OfflineFileColumns]
  private var slots: EntitySlots
  /// Per entity slot `s`, its writes are `places[starts[s]..<starts[s + 1]]`, in order.
  private let starts: [Int32]
  private let places: [Place]

  struct Place {
    var file: Int32
    var row: Int32
  }

  /// Reads the files of `snapshot`, holding only the writes of `only` when given: a look-up
  /// of a few keys reads only the files and row groups that can hold them (`KeyLookup`) and
  /// need not number every entity of the table.
  init(
    group: FeatureGroup, table: DeltaTable, snapshot: Snapshot, only keys: [[OnlineValue]]? = nil
  ) throws {
    self.group = group
    version = snapshot.version
    let files: [OfflineFileColumns]
    if let keys {
      var lookup = KeyLookup(keys: keys, group: group)
      let names = OfflineFileColumns.columnNames(of: group).filter {
        snapshot.schema.field(named: $0) != nil
      }
      files = try snapshot.files.compactMap { file in
        try lookup.columns(of: file, table: table, snapshot: snapshot, names: names).map {
          try OfflineFileColumns(group: group, columns: $0)
        }
      }
    } else {
      files = try snapshot.files.map {
        try OfflineFileColumns.read($0, of: table, snapshot: snapshot, group: group)
      }
    }
    self.files = files
    let rows = files.reduce(0) { $0 + $1.rowCount }
    // Sized for entities, not rows (a table holds many writes per entity); it grows.
    var slots = EntitySlots(expectedCount: keys?.count ?? min(rows, 1 << 16))
    var counts: [Int32] = []
    for key in keys ?? [] where slots.existingSlot(for: key) == nil {
      _ = slots.slot(for: key)
      counts.append(0)
    }
    var slotOfRow = [Int32](repeating: -1, count: rows)
    var key = [OnlineValue](repeating: .null, count: group.keyFeatures.count)
    var index = 0
    for file in files {
      for row in 0..<file.rowCount {
        for column in key.indices { key[column] = file.keyValue(column, row) }
        let slot: Int
        if keys == nil {
          slot = slots.slot(for: key)
        } else if let existing = slots.existingSlot(for: key) {
          slot = existing
        } else {
          index += 1
          continue
        }
        if slot == counts.count { counts.append(0) }
        counts[slot] += 1
        slotOfRow[index] = Int32(slot)
        index += 1
      }
    }
    var starts = [Int32](repeating: 0, count: counts.count + 1)
    for slot in counts.indices { starts[slot + 1] = starts[slot] + counts[slot] }
    var next = Array(starts.dropLast())
    var places = [Place](repeating: Place(file: 0, row: 0), count: Int(starts[counts.count]))
    index = 0
    for (fileIndex, file) in files.enumerated() {
      for row in 0..<file.rowCount {
        let slot = Int(slotOfRow[index])
        index += 1
        guard slot >= 0 else { continue }
        places[Int(next[slot])] = Place(file: Int32(fileIndex), row: Int32(row))
        next[slot] += 1
      }
    }
    for slot in counts.indices where counts[slot] > 1 {
      places[Int(starts[slot])..<Int(starts[slot + 1])].sort {
        Self.order(files, $0) < Self.order(files, $1)
      }
    }
    self.slots = slots
    self.starts = starts
    self.places = places
  }

  /// Writes held, over every file kept.
  var rowCount: Int { places.count }
  var fileCount: Int { files.count }

  /// The greatest write of `key` whose `event_time` is at or before `eventTime`; nil when
  /// there is none. A tombstone is returned too (the caller reads it as "no values").
  mutating func latest(key: [OnlineValue], atOrBefore eventTime: Int64) -> Place? {
    guard let slot = slots.existingSlot(for: key) else { return nil }
    var low = Int(starts[slot])
    var high = Int(starts[slot + 1])
    // The first write later than eventTime; the one before it is the answer.
    while low < high {
      let middle = (low + high) / 2
      let place = places[middle]
      if files[Int(place.file)].eventTimes[Int(place.row)] <= eventTime {
        low = middle + 1
      } else {
        high = middle
      }
    }
    return low > Int(starts[slot]) ? places[low - 1] : nil
  }

  func isDelete(_ place: Place) -> Bool { files[Int(place.file)].isDelete(Int(place.row)) }

  /// Feature `index` (of `group.valueFeatures`) of the write at `place`.
  func value(_ index: Int, at place: Place) -> FeatureValue {
    files[Int(place.file)].value(index, Int(place.row))
  }

  /// The write at `place` as the online row an upsert of it leaves.
  func onlineRow(at place: Place) -> OnlineRow {
    files[Int(place.file)].onlineRow(Int(place.row), order: Self.order(files, place))
  }

  private static func order(_ files: [OfflineFileColumns], _ place: Place) -> OnlineWriteOrder {
    let file = files[Int(place.file)]
    let row = Int(place.row)
    return OnlineWriteOrder(
      eventTime: file.eventTimes[row], partition: file.partitions[row],
      offset: file.offsets[row])
  }
}
