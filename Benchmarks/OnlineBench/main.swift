// online-bench: measures the online store's write, read and dedup-log paths.
//
//   swift run -c release online-bench [--entities N] [--writes M] [--dedup D]
//
// Figures are wall-clock times of this process on this machine; data generation is not
// timed. The store lives in a fresh temporary directory, removed at the end.
import Foundation
import OnlineStore

struct Options {
  var entities = 100_000
  var writes = 500_000
  var dedupEntries = 1_000_000

  init(arguments: [String]) {
    var iterator = arguments.dropFirst().makeIterator()
    while let flag = iterator.next() {
      let value = iterator.next().flatMap { Int($0) }
      switch (flag, value) {
      case ("--entities", let number?): entities = number
      case ("--writes", let number?): writes = number
      case ("--dedup", let number?): dedupEntries = number
      default:
        FileHandle.standardError.write(
          Data("usage: online-bench [--entities N] [--writes M] [--dedup D]\n".utf8))
        exit(2)
      }
    }
  }
}

/// SplitMix64: deterministic, so two runs measure the same data.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }
}

/// CPU seconds (user + system) this process has used: on a machine shared with other jobs
/// it shows what the work costs, where wall-clock time also shows the waiting.
func processCPUSeconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
  let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
  return user + system
}

struct Timing {
  var wall: Double
  var cpu: Double
}

func measure(_ body: () throws -> Void) rethrows -> Timing {
  let start = DispatchTime.now().uptimeNanoseconds
  let cpuStart = processCPUSeconds()
  try body()
  return Timing(
    wall: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
    cpu: processCPUSeconds() - cpuStart)
}

func report(_ label: String, count: Int, unit: String, timing: Timing) {
  let rate = Double(count) / timing.wall
  print(
    "\(label.padding(toLength: 40, withPad: " ", startingAt: 0)) \(String(format: "%7.3f s wall %7.3f s cpu", timing.wall, timing.cpu))  \(String(format: "%11.0f", rate)) \(unit)/s"
  )
}

let options = Options(arguments: CommandLine.arguments)
let schema = OnlineTableSchema(
  group: "user_stats", version: 1, primaryKey: ["user_id"],
  features: [
    ("user_id", .string), ("clicks", .bigint), ("spend", .double), ("country", .string),
    ("active", .boolean), ("last_seen", .timestamp),
  ])
let countries = ["DE", "FR", "SE", "JP", "BR", "US", "Ελλάδα"]
let partitions: Int32 = 8

func makeBatch(seed: UInt64, baseTime: Int64, nextOffsets: inout [Int64]) -> OnlineBatch {
  var random = SeededGenerator(state: seed)
  var writes: [OnlineWrite] = []
  writes.reserveCapacity(options.writes)
  var dedup: [DedupEntryRecord] = []
  dedup.reserveCapacity(options.writes)
  for _ in 0..<options.writes {
    let entity = Int.random(in: 0..<options.entities, using: &random)
    let partition = Int32(entity % Int(partitions))
    let offset = nextOffsets[Int(partition)]
    nextOffsets[Int(partition)] += 1
    let eventTime = baseTime + Int64.random(in: 0..<3_600_000_000, using: &random)
    let delete = Int.random(in: 0..<100, using: &random) < 5
    writes.append(
      OnlineWrite(
        key: [.string("user-\(entity)")], eventTime: eventTime, partition: partition,
        offset: offset,
        operation: delete ? .delete : .upsert,
        values: delete
          ? []
          : [
            .bigint(Int64.random(in: 0..<10_000, using: &random)),
            .double(Double.random(in: 0..<1_000, using: &random)),
            .string(countries[Int.random(in: 0..<countries.count, using: &random)]),
            .boolean(Bool.random(using: &random)), .timestamp(eventTime),
          ]))
    dedup.append(
      DedupEntryRecord(
        keyHash: DedupKeyHash(high: random.next(), low: random.next()), fingerprint: random.next(),
        partition: partition, offset: offset, clockMillis: eventTime / 1000, tableTag: 1))
  }
  let positions = (0..<partitions).map {
    PartitionPosition(
      table: "user_stats_v1", topic: "features", partition: $0, offset: nextOffsets[Int($0)] - 1)
  }
  return OnlineBatch(
    writes: [schema.group: writes], dedupEntries: dedup, positions: positions,
    appliedVersions: ["user_stats_v1": Int64(seed)])
}

do {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "online-bench-\(UUID().uuidString)")
  defer { try? FileManager.default.removeItem(at: directory) }
  print(
    "online-bench: \(options.writes) writes over \(options.entities) entities per batch, \(options.dedupEntries) dedup entries"
  )
  var nextOffsets = [Int64](repeating: 0, count: Int(partitions))
  let first = makeBatch(seed: 1, baseTime: 1_700_000_000_000_000, nextOffsets: &nextOffsets)
  let second = makeBatch(seed: 2, baseTime: 1_700_001_800_000_000, nextOffsets: &nextOffsets)

  var store = try SQLiteOnlineStore(dataDirectory: directory.path, schemas: [schema])
  var result = OnlineApplyResult()
  var elapsed = try measure { result = try store.apply(first) }
  report("apply batch 1 (empty store)", count: options.writes, unit: "writes", timing: elapsed)
  print(
    "  applied \(result.totalApplied), stale \(result.totalStale), entities \(try store.count(group: schema.group))"
  )
  elapsed = try measure { result = try store.apply(second) }
  report(
    "apply batch 2 (every entity stored)", count: options.writes, unit: "writes", timing: elapsed)
  print(
    "  applied \(result.totalApplied), stale \(result.totalStale), entities \(try store.count(group: schema.group))"
  )

  var random = SeededGenerator(state: 3)
  var found = 0
  elapsed = try measure {
    for _ in 0..<options.entities {
      let entity = Int.random(in: 0..<options.entities, using: &random)
      if try store.get(group: schema.group, key: [.string("user-\(entity)")]) != nil { found += 1 }
    }
  }
  report(
    "get (random keys, \(found) found)", count: options.entities, unit: "reads", timing: elapsed)

  var dumped = 0
  elapsed = try measure {
    var cursor = store.dump(group: schema.group)
    try cursor.forEachRemaining { _ in dumped += 1 }
  }
  report("dump", count: dumped, unit: "rows", timing: elapsed)

  // Top the dedup log up to the requested size, then measure a cold open and load.
  let missing = max(0, options.dedupEntries - (try store.dedupEntryCount()))
  var extra: [DedupEntryRecord] = []
  extra.reserveCapacity(missing)
  for index in 0..<missing {
    extra.append(
      DedupEntryRecord(
        keyHash: DedupKeyHash(high: random.next(), low: random.next()), fingerprint: random.next(),
        partition: 0, offset: Int64(index), clockMillis: 1_700_000_000_000, tableTag: 1))
  }
  _ = try store.apply(OnlineBatch(dedupEntries: extra))
  store.close()

  var entries: [DedupEntryRecord] = []
  elapsed = try measure {
    store = try SQLiteOnlineStore(dataDirectory: directory.path, schemas: [schema])
    entries = try store.loadDedupEntries()
  }
  report("reopen + load dedup entries", count: entries.count, unit: "entries", timing: elapsed)

  elapsed = try measure {
    try store.compactDedupLog(liveEntries: Array(entries.prefix(entries.count / 2)))
  }
  report(
    "compact dedup log (keep half)", count: entries.count / 2, unit: "entries", timing: elapsed)
  store.close()
} catch {
  FileHandle.standardError.write(Data("online-bench: \(error)\n".utf8))
  exit(1)
}
