/// The open-addressing hash table behind `DedupIndex`.
///
/// Two parts, for memory: a bucket array of 8-byte words (the upper 32 bits of the key's
/// high half as a tag, then entry number + 1; 0 is empty), and the 48-byte entries stored
/// densely in fixed-size chunks. A table of entries by bucket would leave 30–50% of its
/// 48-byte slots empty and copy all of them when it doubles (150 MB at the step from 2^20
/// to 2^21 slots); here a million keys take 16 MB of buckets plus 48 MB of entries, and
/// growing touches only the buckets. A lookup for an absent key — most keys — compares
/// tags in the bucket array and never reads an entry. The key is already uniform (XXH64),
/// so its low half picks the bucket with no further hashing.
struct DedupTable: Sendable {
  enum State: UInt8, Sendable {
    case committed = 1
    case pending = 2
  }

  struct Slot: Sendable, Equatable {
    var keyHigh: UInt64
    var keyLow: UInt64
    var fingerprint: UInt64
    var offset: Int64
    var clockMillis: Int64
    var partition: Int32
    /// `DedupEntry.tableTag`: in the padding of the 48-byte stride, so it costs no memory.
    var tableTag: UInt16
    var state: State

    var key: DedupKey { DedupKey(high: keyHigh, low: keyLow) }
  }

  /// Entries per chunk: 3 MB, so a growing table never copies what it holds.
  private static let chunkShift = 16
  private static let chunkMask = (1 << chunkShift) - 1

  private var buckets: [UInt64]
  private var mask: Int
  private var chunks: [[Slot]] = []
  private(set) var count = 0
  /// At most the least clock of any entry (removals may leave it lower): lets a prune
  /// with nothing to drop return without a scan.
  private(set) var clockLowerBound = Int64.max

  init(minimumCapacity: Int = 0) {
    var capacity = 16
    while capacity * 7 / 10 < minimumCapacity { capacity *= 2 }
    buckets = [UInt64](repeating: 0, count: capacity)
    mask = capacity - 1
  }

  @inline(__always)
  private static func tag(_ keyHigh: UInt64) -> UInt64 { keyHigh >> 32 }

  @inline(__always)
  private func entry(_ number: Int) -> Slot {
    chunks[number >> Self.chunkShift][number & Self.chunkMask]
  }

  @inline(__always)
  private mutating func setEntry(_ number: Int, _ slot: Slot) {
    chunks[number >> Self.chunkShift][number & Self.chunkMask] = slot
  }

  /// The bucket holding `key` (with its entry number), or the empty bucket where it would go.
  @inline(__always)
  private func probe(_ key: DedupKey) -> (bucket: Int, entry: Int?) {
    let tag = Self.tag(key.high)
    return buckets.withUnsafeBufferPointer { table in
      var index = Int(truncatingIfNeeded: key.low) & mask
      while true {
        let word = table[index]
        if word == 0 { return (index, nil) }
        if word >> 32 == tag {
          let number = Int(truncatingIfNeeded: word & 0xFFFF_FFFF) - 1
          let slot = entry(number)
          if slot.keyLow == key.low && slot.keyHigh == key.high { return (index, number) }
        }
        index = (index + 1) & mask
      }
    }
  }

  /// The slot holding `key`.
  func find(_ key: DedupKey) -> Slot? {
    probe(key).entry.map(entry)
  }

  /// Where `key` is: its entry (with its slot), or the empty bucket `insert(_:absentAt:)`
  /// takes, so that a key looked up and then added is probed for once.
  func locate(_ key: DedupKey) -> (slot: Slot?, entry: Int?, bucket: Int) {
    let (bucket, found) = probe(key)
    return (found.map(entry), found, bucket)
  }

  /// Replaces the slot of entry `number` (from `locate`), which must hold the same key.
  mutating func replace(entry number: Int, with slot: Slot) {
    clockLowerBound = min(clockLowerBound, slot.clockMillis)
    setEntry(number, slot)
  }

  /// Adds `slot`, whose key `locate` found absent at `bucket` (nothing changed since), and
  /// returns its entry number.
  @discardableResult
  mutating func insert(_ slot: Slot, absentAt bucket: Int) -> Int {
    clockLowerBound = min(clockLowerBound, slot.clockMillis)
    if (count + 1) * 10 > buckets.count * 7 {
      grow(to: buckets.count * 2)
      append(slot, bucket: probe(slot.key).bucket)
    } else {
      append(slot, bucket: bucket)
    }
    return count - 1
  }

  /// Marks the pending entry for `key` committed and returns it; nil when the key is absent
  /// or its entry is not pending. `number` is where the entry is expected (no probe then);
  /// should it hold another key, the key is looked up.
  mutating func commitPending(entry number: Int, key: DedupKey) -> Slot? {
    var found = number
    if !(0..<count).contains(number) || entry(number).key != key {
      guard let probed = probe(key).entry else { return nil }
      found = probed
    }
    var slot = entry(found)
    guard slot.state == .pending else { return nil }
    slot.state = .committed
    setEntry(found, slot)
    return slot
  }

  /// Inserts or replaces the slot for `slot.key`.
  mutating func put(_ slot: Slot) {
    clockLowerBound = min(clockLowerBound, slot.clockMillis)
    if (count + 1) * 10 > buckets.count * 7 { grow(to: buckets.count * 2) }
    let (bucket, found) = probe(slot.key)
    if let found {
      setEntry(found, slot)
      return
    }
    append(slot, bucket: bucket)
  }

  /// Stores a new entry and points the empty `bucket` at it.
  private mutating func append(_ slot: Slot, bucket: Int) {
    let number = count
    if number >> Self.chunkShift == chunks.count {
      chunks.append([])
      chunks[chunks.count - 1].reserveCapacity(Self.chunkMask + 1)
    }
    chunks[number >> Self.chunkShift].append(slot)
    count += 1
    buckets[bucket] = Self.tag(slot.keyHigh) << 32 | UInt64(number + 1)
  }

  /// Makes room for `total` entries without further growth of the buckets.
  mutating func reserve(_ total: Int) {
    var capacity = buckets.count
    while capacity * 7 / 10 < total { capacity *= 2 }
    if capacity > buckets.count { grow(to: capacity) }
  }

  /// Removes `key`: backward-shift deletion in the buckets (so no tombstones slow later
  /// probes), and the last entry moves into the freed entry number.
  mutating func remove(_ key: DedupKey) {
    let (found, hit) = probe(key)
    guard let removed = hit else { return }
    removeBucket(at: found)
    let last = count - 1
    if removed != last {
      let moved = entry(last)
      let (bucket, _) = probe(moved.key)
      setEntry(removed, moved)
      buckets[bucket] = Self.tag(moved.keyHigh) << 32 | UInt64(removed + 1)
    }
    chunks[last >> Self.chunkShift].removeLast()
    if chunks[chunks.count - 1].isEmpty { chunks.removeLast() }
    count -= 1
  }

  private mutating func removeBucket(at found: Int) {
    let mask = self.mask
    var hole = found
    var next = found
    buckets[hole] = 0
    while true {
      next = (next + 1) & mask
      let word = buckets[next]
      if word == 0 { return }
      let number = Int(truncatingIfNeeded: word & 0xFFFF_FFFF) - 1
      let home = Int(truncatingIfNeeded: entry(number).keyLow) & mask
      // The bucket may stay when its home lies cyclically in (hole, next].
      let stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next)
      if stays { continue }
      buckets[hole] = word
      buckets[next] = 0
      hole = next
    }
  }

  /// Every entry, in no particular order.
  var slots: some Sequence<Slot> { chunks.lazy.joined() }

  /// Keeps only the slots `isKept` accepts, rebuilding the table.
  mutating func filter(_ isKept: (Slot) -> Bool) {
    var rebuilt = DedupTable()
    var kept = 0
    for slot in slots where isKept(slot) { kept += 1 }
    rebuilt.reserve(kept)
    for slot in slots where isKept(slot) { rebuilt.put(slot) }
    self = rebuilt
  }

  /// Doubles the buckets; the entries stay where they are and are only re-indexed.
  private mutating func grow(to capacity: Int) {
    buckets = [UInt64](repeating: 0, count: capacity)
    mask = capacity - 1
    buckets.withUnsafeMutableBufferPointer { table in
      var number = 0
      for chunk in chunks {
        for slot in chunk {
          var index = Int(truncatingIfNeeded: slot.keyLow) & mask
          while table[index] != 0 { index = (index + 1) & mask }
          table[index] = Self.tag(slot.keyHigh) << 32 | UInt64(number + 1)
          number += 1
        }
      }
    }
  }
}
