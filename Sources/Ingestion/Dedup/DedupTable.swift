/// The open-addressing hash table behind `DedupIndex`: one flat array of fixed-size slots,
/// linear probing, and the key's own low 64 bits as the bucket (it is already a uniform
/// SHA-256 prefix, so no further hashing is needed).
///
/// Compared with a `Dictionary`, this avoids rehashing every key with SipHash and keeps
/// each entry in one 48-byte slot, which is what lets a million persisted entries load in a
/// fraction of a second.
struct DedupTable: Sendable {
  enum State: UInt8, Sendable {
    case empty = 0
    case committed = 1
    case pending = 2
  }

  struct Slot: Sendable, Equatable {
    var keyHigh: UInt64
    var keyLow: UInt64
    var fingerprint: UInt64
    var offset: Int64
    var eventTimeMillis: Int64
    var partition: Int32
    var state: State

    static let empty = Slot(
      keyHigh: 0, keyLow: 0, fingerprint: 0, offset: 0, eventTimeMillis: 0, partition: 0,
      state: .empty)

    var key: DedupKey { DedupKey(high: keyHigh, low: keyLow) }
  }

  private(set) var slots: [Slot]
  private(set) var count = 0
  private var mask: Int

  init(minimumCapacity: Int = 0) {
    var capacity = 16
    while capacity * 7 / 10 < minimumCapacity { capacity *= 2 }
    slots = [Slot](repeating: .empty, count: capacity)
    mask = capacity - 1
  }

  /// Where `key` is, or the empty slot where it would go.
  @inline(__always)
  private func probe(_ key: DedupKey) -> (index: Int, found: Bool) {
    slots.withUnsafeBufferPointer { table in
      var index = Int(truncatingIfNeeded: key.low) & mask
      while true {
        let slot = table[index]
        if slot.state == .empty { return (index, false) }
        if slot.keyLow == key.low && slot.keyHigh == key.high { return (index, true) }
        index = (index + 1) & mask
      }
    }
  }

  /// The slot holding `key`.
  func find(_ key: DedupKey) -> Slot? {
    let (index, found) = probe(key)
    return found ? slots[index] : nil
  }

  /// Inserts or replaces the slot for `slot.key`.
  mutating func put(_ slot: Slot) {
    if (count + 1) * 10 > slots.count * 7 { grow(to: slots.count * 2) }
    let (index, found) = probe(slot.key)
    if !found { count += 1 }
    slots[index] = slot
  }

  /// Makes room for `total` entries without further growth.
  mutating func reserve(_ total: Int) {
    var capacity = slots.count
    while capacity * 7 / 10 < total { capacity *= 2 }
    if capacity > slots.count { grow(to: capacity) }
  }

  /// Removes `key` (backward-shift deletion, so no tombstones slow later probes).
  mutating func remove(_ key: DedupKey) {
    let (found, hit) = probe(key)
    guard hit else { return }
    count -= 1
    let mask = self.mask
    slots.withUnsafeMutableBufferPointer { table in
      var hole = found
      var next = found
      table[hole] = .empty
      while true {
        next = (next + 1) & mask
        let slot = table[next]
        if slot.state == .empty { return }
        let home = Int(truncatingIfNeeded: slot.keyLow) & mask
        // The entry may stay when its home lies cyclically in (hole, next].
        let stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next)
        if stays { continue }
        table[hole] = slot
        table[next] = .empty
        hole = next
      }
    }
  }

  /// Keeps only the slots `isKept` accepts, rebuilding the table.
  mutating func filter(_ isKept: (Slot) -> Bool) {
    let kept = slots.filter { $0.state != .empty && isKept($0) }
    var rebuilt = DedupTable(minimumCapacity: kept.count)
    for slot in kept { rebuilt.put(slot) }
    self = rebuilt
  }

  private mutating func grow(to capacity: Int) {
    let old = slots
    slots = [Slot](repeating: .empty, count: capacity)
    mask = capacity - 1
    count = 0
    for slot in old where slot.state != .empty { put(slot) }
  }
}
