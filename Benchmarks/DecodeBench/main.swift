// decode-bench: decoding and dedup throughput on records shaped like shared/bench/gen.py's.
//
// Usage: decode-bench [RECORDS]   (default 1,000,000; build with -c release)
//        decode-bench RECORDS loop  (only the loop thread's per-record path, for callgrind:
//        valgrind --tool=callgrind --toggle-collect='*LoopPathBench*takeAll*' ...)
import Foundation
import Ingestion

/// SplitMix64: a seeded generator so every run decodes the same records.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// One gen.py record: same fields, order, separators and value ranges.
func record(_ index: Int, _ random: inout SeededGenerator, withKey: Bool) -> String {
  let countries = ["\"SE\"", "\"DE\"", "\"US\"", "\"IN\"", "\"BR\"", "\"JP\"", "null"]
  let entity = Int.random(in: 0..<100_000, using: &random)
  var eventTime = 1_767_225_600_000 + index * 10
  if Double.random(in: 0..<1, using: &random) < 0.02 {
    eventTime -= Int.random(in: 1..<600_000, using: &random)
  }
  let spend = (Double.random(in: 0..<1, using: &random) * 10_000).rounded() / 100
  let idempotency = withKey ? "\"idempotency_key\":\"evt-7-\(index)\"," : ""
  return "{\"feature_group\":\"user_stats\",\(idempotency)\"event_time\":\(eventTime),"
    + "\"key\":{\"user_id\":\"u\(entity)\"},\"values\":{\"clicks\":\(Int.random(in: 0..<1000, using: &random)),"
    + "\"spend\":\(spend),\"country\":\(countries[Int.random(in: 0..<7, using: &random)]),"
    + "\"active\":\(Bool.random(using: &random))}}"
}

/// All records in one buffer, as a consumer would see them: byte ranges of fetched memory.
struct Corpus {
  var bytes: [UInt8] = []
  var ranges: [Range<Int>] = []

  init(count: Int, withKey: Bool) {
    var random = SeededGenerator(state: 7)
    for index in 0..<count {
      let start = bytes.count
      bytes.append(contentsOf: record(index, &random, withKey: withKey).utf8)
      ranges.append(start..<bytes.count)
    }
  }
}

/// CPU time of this thread: the host is shared, so wall time alone would also count the time
/// other processes held the core.
func threadCPUSeconds() -> Double {
  var spec = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
  return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func seconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000_000
// A second argument (profiling) stops after the first decode figure; a third sets the passes.
let passes = CommandLine.arguments.dropFirst(3).first.flatMap { Int($0) } ?? 3
let config = try IdemstreamConfig.parse(
  yaml: """
    kafka:
      topics: [features]
    feature_groups:
      - name: user_stats
        version: 1
        primary_key: [user_id]
        features:
          user_id: string
          clicks: bigint
          spend: double
          country: string
          active: boolean
    """)
let decoder = FeatureWriteDecoder(config)
let clock = ContinuousClock()

/// Decodes every record of `corpus` three times into one reused `DecodedRow`, as the loop
/// does (each row's fingerprint is folded into a checksum), and prints the best pass.
func decodeAll(_ corpus: Corpus, label: String) {
  var best = Double.infinity
  var bestCPU = Double.infinity
  var checksum: UInt64 = 0
  var row = DecodedRow()
  for _ in 0..<passes {
    let cpuStart = threadCPUSeconds()
    let elapsed = clock.measure {
      corpus.bytes.withUnsafeBytes { all in
        for range in corpus.ranges {
          let value = UnsafeRawBufferPointer(rebasing: all[range])
          do {
            try decoder.decode(value: value, headers: [], topic: "features", into: &row)
            checksum ^= row.contentFingerprint
          } catch {
            fatalError("benchmark record failed to decode: \(error)")
          }
        }
      }
    }
    best = min(best, seconds(elapsed))
    bestCPU = min(bestCPU, threadCPUSeconds() - cpuStart)
  }
  let megabytes = Double(corpus.bytes.count) / 1e6
  let perSecond = Double(corpus.ranges.count) / best
  print(
    "\(label): \(corpus.ranges.count) records, avg \(corpus.bytes.count / corpus.ranges.count) bytes, "
      + "best of \(passes): \(Int(perSecond)) records/s (\(Int(megabytes / best)) MB/s, "
      + "\(Int(best * 1e9 / Double(corpus.ranges.count))) ns/record); by thread CPU time: "
      + "\(Int(Double(corpus.ranges.count) / bestCPU)) records/s (checksum \(checksum))"
  )
}

let keyed = Corpus(count: count, withKey: true)

/// The loop thread's per-record path (decode, decide, lay out), best of `passes`.
func takeAllRecords(_ bench: LoopPathBench) {
  var best = Double.infinity
  var rows = 0
  for _ in 0..<passes {
    let cpuStart = threadCPUSeconds()
    rows = bench.takeAll(config: config)
    best = min(best, threadCPUSeconds() - cpuStart)
  }
  print(
    "loop path (decode, decide, lay out): \(bench.records.count) records, \(rows) rows, "
      + "best of \(passes) by thread CPU time: \(Int(Double(bench.records.count) / best)) records/s "
      + "(\(Int(best * 1e9 / Double(bench.records.count))) ns/record)")
}
if CommandLine.arguments.dropFirst(2).first == "loop" {
  takeAllRecords(LoopPathBench(corpus: keyed))
  exit(0)
}
// Calibration: XXH64 over every record, a pure memory-and-arithmetic loop, shows how fast
// this machine is at the moment (the benchmark host is shared).
var calibration: UInt64 = 0
let hashTime = clock.measure {
  keyed.bytes.withUnsafeBytes { all in
    for range in keyed.ranges {
      calibration ^= XXHash64.hash(UnsafeRawBufferPointer(rebasing: all[range]))
    }
  }
}
print(
  "calibration: XXH64 over the records at \(Int(Double(keyed.bytes.count) / 1e6 / seconds(hashTime))) MB/s (\(calibration % 10))"
)
decodeAll(keyed, label: "decode (idempotency_key given)")
if CommandLine.arguments.count > 2 { exit(0) }
decodeAll(Corpus(count: count, withKey: false), label: "decode (key derived, SHA-256)")

let writes = keyed.bytes.withUnsafeBytes { all in
  keyed.ranges.compactMap {
    try? decoder.decode(value: UnsafeRawBufferPointer(rebasing: all[$0]), topic: "features")
  }
}
var index = DedupIndex(windowMillis: config.dedup.windowMillis)
var accepted = 0
let decideTime = clock.measure {
  for (offset, write) in writes.enumerated() {
    let decision = index.decide(
      write, version: 1, topic: "features", partition: 0, offset: Int64(offset),
      clockMillis: Int64(offset))
    if case .accepted = decision { accepted += 1 }
  }
}
print(
  "dedup decide: \(writes.count) writes, \(Int(Double(writes.count) / seconds(decideTime))) decisions/s"
)
let entries = index.commitPending()
var reloaded = DedupIndex(windowMillis: config.dedup.windowMillis)
let loadTime = clock.measure { reloaded.load(entries) }
print(
  "dedup load: \(entries.count) entries in \(Int(seconds(loadTime) * 1000)) ms (accepted \(accepted))"
)
takeAllRecords(LoopPathBench(corpus: keyed))
