import Foundation
import Parquet

// parquet-bench: writes 1M rows of the user_stats offline schema with zstd and compares
// with pyarrow writing the very same rows (loaded from our file before any clock starts)
// with the same codec on one core. Runs alternate between the two; best run of each counts.
// Options: --rows N (default 1000000), --runs N (default 5), --swift-only (profiling).

let arguments = CommandLine.arguments
func option(_ name: String, default value: String) -> String {
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else {
    return value
  }
  return arguments[index + 1]
}
let rowCount = Int(option("--rows", default: "1000000")) ?? 1_000_000
let runs = max(1, Int(option("--runs", default: "5")) ?? 5)
let python =
  ProcessInfo.processInfo.environment["IDEMSTREAM_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
  ?? FileManager.default.currentDirectoryPath + "/.venv/bin/python"

let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
  "parquet-bench-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let ourPath = directory.appendingPathComponent("swift.parquet").path
let theirPath = directory.appendingPathComponent("pyarrow.parquet").path

print(
  "parquet-bench: \(rowCount) rows of user_stats, zstd, dictionary on, best of \(runs) alternating runs"
)
let schema = try userStatsSchema()
let batch = makeBatch(rows: rowCount)

func writeOurs() throws -> (seconds: Double, bytes: Int64) {
  let start = DispatchTime.now().uptimeNanoseconds
  let writer = try ParquetWriter(path: ourPath, schema: schema)
  try writer.write(rowGroup: batch)
  let metadata = try writer.close(sync: false)
  return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, metadata.fileSize)
}

if arguments.contains("--swift-only") {
  // For profiling the writer alone: no pyarrow, no reading.
  let times = try (0..<runs).map { _ in try writeOurs().seconds }
  print(String(format: "swift   write: best %.3f s", times.min() ?? 0))
  exit(0)
}

do {
  _ = try writeOurs()  // warm-up, and the file pyarrow loads its table from
  let pyarrow = try PyArrowWriter(python: python, source: ourPath, target: theirPath)
  defer { pyarrow.stop() }
  var ours: [Double] = []
  var theirs: [Double] = []
  var ourSize: Int64 = 0
  var theirSize = 0
  for _ in 0..<runs {
    let (seconds, bytes) = try writeOurs()
    ours.append(seconds)
    ourSize = bytes
    let (pySeconds, pyBytes) = try pyarrow.write()
    theirs.append(pySeconds)
    theirSize = pyBytes
  }
  let readStart = DispatchTime.now().uptimeNanoseconds
  let reader = try ParquetReader(path: ourPath)
  for index in schema.columns.indices { _ = try reader.readColumn(index) }
  let readSeconds = Double(DispatchTime.now().uptimeNanoseconds - readStart) / 1e9

  func line(_ name: String, _ times: [Double], _ bytes: Int) -> String {
    let best = times.min() ?? 0
    let median = times.sorted()[times.count / 2]
    return String(
      format: "%@ write: best %.3f s (%.0f rows/s), median %.3f s, file %.1f MiB", name, best,
      Double(rowCount) / best, median, Double(bytes) / 1_048_576)
  }
  print(line("swift  ", ours, Int(ourSize)))
  print(line("pyarrow", theirs, theirSize))
  print(
    String(
      format: "ratio swift/pyarrow rows/s (best runs): %.2f",
      (theirs.min() ?? 0) / (ours.min() ?? 1)))
  print(
    String(
      format: "swift   read all columns: %.3f s (%.0f rows/s)", readSeconds,
      Double(rowCount) / readSeconds))
} catch {
  print("parquet-bench failed: \(error)")
  exit(1)
}
