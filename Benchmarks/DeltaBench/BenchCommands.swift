import Delta
import Foundation

/// The benchmark and test-driver commands of delta-bench.
enum BenchCommands {
  static func temporaryTable(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "delta-bench-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func milliseconds(_ start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) * 1000
      + Double(elapsed.components.attoseconds) / 1e15
  }

  static func summary(_ samples: [Double]) -> String {
    let sorted = samples.sorted()
    let median = sorted[sorted.count / 2]
    return String(
      format: "min %.2f ms, median %.2f ms, max %.2f ms (n=%d)", sorted.first!, median,
      sorted.last!, sorted.count)
  }

  /// Builds a table of `versions` commits (one file and one txn each, checkpoint every
  /// `checkpointInterval`), then times opening it and taking the latest snapshot.
  /// With `keep`, the table is built there (or reused if it exists) and not deleted.
  static func openLargeTable(versions: Int, checkpointInterval: Int, runs: Int, keep: URL?)
    throws
  {
    let url = try keep ?? temporaryTable("open")
    defer { if keep == nil { try? FileManager.default.removeItem(at: url) } }
    if !DeltaTable.exists(at: url) {
      try buildLargeTable(at: url, versions: versions, checkpointInterval: checkpointInterval)
    }
    var samples: [Double] = []
    for _ in 0..<runs {
      let start = ContinuousClock.now
      let snapshot = try DeltaTable.open(at: url).snapshot()
      samples.append(milliseconds(start))
      guard snapshot.version == Int64(versions - 1), snapshot.files.count == versions - 1 else {
        throw UsageError(message: "unexpected snapshot \(snapshot.version)/\(snapshot.files.count)")
      }
    }
    print("open table with \(versions) versions + latest snapshot: \(summary(samples))")
    var checkpoints: [Double] = []
    for _ in 0..<3 {
      let table = try DeltaTable.open(at: url)
      let start = ContinuousClock.now
      try table.checkpoint()
      checkpoints.append(milliseconds(start))
    }
    print("write checkpoint of \(versions - 1) live files: \(summary(checkpoints))")
  }

  private static func buildLargeTable(at url: URL, versions: Int, checkpointInterval: Int) throws {
    let options = DeltaTable.Options(checkpointInterval: Int64(checkpointInterval))
    let table = try DeltaTable.create(at: url, schema: SampleBatch.schema, options: options)
    let build = ContinuousClock.now
    for version in 1..<versions {
      let stats = FileStatistics(
        numRecords: 100, minValues: ["_kafka_offset": .integer(Int64(version) * 100)],
        maxValues: ["_kafka_offset": .integer(Int64(version) * 100 + 99)],
        nullCount: ["_kafka_offset": .integer(0)])
      let file = AddFile(
        path: "part-00000-\(UUID().uuidString.lowercased())-c000.zstd.parquet", size: 4096,
        modificationTime: 1_700_000_000_000, stats: stats.jsonString())
      try table.commit(
        actions: [.add(file)],
        appTransactions: [("idemstream-bench-features-\(version % 4)", Int64(version))])
    }
    if let failure = table.checkpointFailure { throw failure }
    print(
      "built \(versions) versions in \(String(format: "%.0f", milliseconds(build))) ms "
        + "(checkpoint every \(checkpointInterval))")
  }

  /// Times appending `rows` rows: writing the data file, and committing it with one txn.
  static func commitLatency(rows: Int, commits: Int) throws {
    let url = try temporaryTable("commit")
    defer { try? FileManager.default.removeItem(at: url) }
    let table = try DeltaTable.create(at: url, schema: SampleBatch.schema)
    var writes: [Double] = []
    var commitTimes: [Double] = []
    var totals: [Double] = []
    for index in 0..<commits {
      let columns = SampleBatch.columns(
        rows: rows, firstOffset: Int64(index * rows), partition: 0)
      let start = ContinuousClock.now
      let file = try table.writeDataFile(columns)
      writes.append(milliseconds(start))
      let commitStart = ContinuousClock.now
      try table.commit(
        actions: [.add(file)],
        appTransactions: [("idemstream-bench-features-0", Int64((index + 1) * rows - 1))])
      commitTimes.append(milliseconds(commitStart))
      totals.append(milliseconds(start))
    }
    if let failure = table.checkpointFailure { throw failure }
    print("append \(rows) rows, write data file: \(summary(writes))")
    print("append \(rows) rows, commit (log entry): \(summary(commitTimes))")
    print("append \(rows) rows, total: \(summary(totals))")
  }

  /// Appends `commits` batches to an existing table, one txn per commit; prints each version.
  /// Row values derive from offsets counted from `firstOffset`, so concurrent appenders given
  /// disjoint ranges write distinguishable rows.
  static func append(
    table url: URL, commits: Int, rows: Int, appId: String, firstOffset: Int64
  ) throws {
    let table = try DeltaTable.open(at: url)
    let schema = try table.snapshot().schema
    for index in 0..<commits {
      let columns = try SampleBatch.columns(
        for: schema, rows: rows, firstOffset: firstOffset + Int64(index * rows))
      let file = try table.writeDataFile(columns)
      let version = try table.commit(
        actions: [.add(file)], appTransactions: [(appId, Int64(index))])
      print(version)
    }
  }

  /// Writes a data file for the table, then kills itself before committing it: what a crash
  /// between the data write and the log write leaves behind.
  static func crashBeforeCommit(table url: URL) throws {
    let table = try DeltaTable.open(at: url)
    let schema = try table.snapshot().schema
    let file = try table.writeDataFile(
      try SampleBatch.columns(for: schema, rows: 100, firstOffset: 1_000_000))
    // Unbuffered: the line must reach the parent before the process dies.
    FileHandle.standardOutput.write(Data("\(file.path)\n".utf8))
    kill(getpid(), SIGKILL)
  }
}
