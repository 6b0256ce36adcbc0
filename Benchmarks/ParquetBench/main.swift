import Foundation
import Parquet

// parquet-bench: writes 1M rows of the user_stats offline schema with zstd, then has
// pyarrow write the very same rows (read back from our file before the clock starts) with
// the same codec, and prints both rates and their ratio. Best of several runs each.

let arguments = CommandLine.arguments
func option(_ name: String, default value: String) -> String {
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else {
    return value
  }
  return arguments[index + 1]
}
let rowCount = Int(option("--rows", default: "1000000")) ?? 1_000_000
let runs = Int(option("--runs", default: "3")) ?? 3
let python =
  ProcessInfo.processInfo.environment["IDEMSTREAM_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
  ?? FileManager.default.currentDirectoryPath + "/.venv/bin/python"

let schema = try ParquetSchema([
  .string("user_id"), .timestampMicros("event_time"), .int64("clicks", nullable: true),
  .double("spend", nullable: true), .string("country", nullable: true),
  .boolean("active", nullable: true),
  .string("_op"), .string("_idempotency_key"), .string("_kafka_topic"), .int32("_kafka_partition"),
  .int64("_kafka_offset"),
])

/// Deterministic rows shaped like a real feature stream: 100k users, a few countries,
/// unique idempotency keys, 8 partitions.
func makeBatch(rows: Int) -> [ParquetColumnValues] {
  var state: UInt64 = 42
  func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }
  let countries = ["DE", "FR", "US", "GB", "JP", "BR", "IN", "ES"]
  var users = ByteArrayColumn()
  var countryColumn = ByteArrayColumn()
  var operations = ByteArrayColumn()
  var keys = ByteArrayColumn()
  var topics = ByteArrayColumn()
  users.reserveCapacity(values: rows, bytes: rows * 11)
  keys.reserveCapacity(values: rows, bytes: rows * 36)
  var eventTimes = [Int64]()
  var clicks = [Int64]()
  var spend = [Double]()
  var active = [Bool]()
  var partitions = [Int32]()
  var offsets = [Int64]()
  var countryValid = [Bool]()
  var clicksValid = [Bool]()
  for row in 0..<rows {
    let random = next()
    users.append("user-\(random % 100_000)")
    eventTimes.append(1_767_225_600_000_000 + Int64(row) * 1_000 + Int64(random % 1_000))
    clicks.append(Int64(random >> 20 % 10_000))
    clicksValid.append(random % 50 != 0)
    spend.append(Double(random % 100_000) / 100)
    let hasCountry = random % 10 != 3
    countryValid.append(hasCountry)
    if hasCountry {
      countryColumn.append(countries[Int(random >> 8) % countries.count])
    } else {
      countryColumn.appendEmpty()
    }
    active.append(random & 1 == 0)
    operations.append(random % 20 == 0 ? "delete" : "upsert")
    let key = next()
    keys.append(String(format: "%016llx-%04x-%016llx", key, row & 0xFFFF, random))
    topics.append("features")
    partitions.append(Int32(row % 8))
    offsets.append(Int64(row / 8))
  }
  return [
    .byteArray(users, validity: nil), .int64(eventTimes, validity: nil),
    .int64(clicks, validity: clicksValid),
    .double(spend, validity: nil), .byteArray(countryColumn, validity: countryValid),
    .boolean(active, validity: nil), .byteArray(operations, validity: nil),
    .byteArray(keys, validity: nil),
    .byteArray(topics, validity: nil), .int32(partitions, validity: nil),
    .int64(offsets, validity: nil),
  ]
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
  "parquet-bench-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let ourPath = directory.appendingPathComponent("swift.parquet").path

print("parquet-bench: \(rowCount) rows of user_stats, zstd, best of \(runs)")
let batch = makeBatch(rows: rowCount)
var best = Double.infinity
var fileSize: Int64 = 0
for _ in 0..<runs {
  let start = DispatchTime.now().uptimeNanoseconds
  let writer = try ParquetWriter(path: ourPath, schema: schema)
  try writer.write(rowGroup: batch)
  let metadata = try writer.close(sync: false)
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  best = min(best, seconds)
  fileSize = metadata.fileSize
}
let ourRate = Double(rowCount) / best
print(
  String(
    format: "swift   : %.3f s  %10.0f rows/s  %8.1f MiB", best, ourRate,
    Double(fileSize) / 1_048_576))

let pyarrowScript = """
  import sys, time, os
  import pyarrow as pa, pyarrow.parquet as pq
  pa.set_cpu_count(1); pa.set_io_thread_count(1)
  table = pq.read_table(sys.argv[1])
  out = sys.argv[2]
  best = float("inf")
  for _ in range(int(sys.argv[3])):
      start = time.perf_counter()
      pq.write_table(table, out, compression="zstd")
      best = min(best, time.perf_counter() - start)
  print(best, os.path.getsize(out))
  """
let process = Process()
process.executableURL = URL(fileURLWithPath: python)
process.arguments = [
  "-c", pyarrowScript, ourPath, directory.appendingPathComponent("pyarrow.parquet").path, "\(runs)",
]
let pipe = Pipe()
process.standardOutput = pipe
do {
  try process.run()
} catch {
  print("pyarrow : cannot run \(python): \(error)")
  exit(1)
}
let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
process.waitUntilExit()
let parts = output.split(whereSeparator: \.isWhitespace)
guard process.terminationStatus == 0, parts.count == 2, let pySeconds = Double(parts[0]),
  let pySize = Double(parts[1])
else {
  print("pyarrow : failed (\(process.terminationStatus)): \(output)")
  exit(1)
}
let pyRate = Double(rowCount) / pySeconds
print(
  String(
    format: "pyarrow : %.3f s  %10.0f rows/s  %8.1f MiB", pySeconds, pyRate, pySize / 1_048_576))
print(String(format: "ratio swift/pyarrow rows/s: %.2f", ourRate / pyRate))
