import Foundation

/// What a vacuum deleted, and from which version on the table can still be read.
public struct VacuumReport: Sendable {
  /// Data files deleted, relative to the table.
  public var dataFiles: [String] = []
  /// Log files deleted (commits and checkpoints).
  public var logFiles: [String] = []
  /// The oldest version still readable after the log clean-up (nil: the log is whole).
  public var oldestReadableVersion: Int64?
}

extension DeltaTable {
  /// The protocol's default for `delta.deletedFileRetentionDuration`: one week.
  public static let defaultDeletedFileRetention: TimeInterval = 7 * 86_400
  /// The protocol's default for `delta.logRetentionDuration`: 30 days.
  public static let defaultLogRetention: TimeInterval = 30 * 86_400

  /// Deletes what no reader of a version within `retain` needs: data files neither live
  /// nor removed within it (files no commit names, as a crashed writer leaves them, only
  /// once their own age passes it too, since a running writer's next file is such a file
  /// until its commit lands); then log files older than `delta.logRetentionDuration` that
  /// lie before the newest checkpoint at or past that age, so that every version after
  /// that checkpoint still reads from it.
  ///
  /// Why not "files no current version needs": time travel within the retention reads
  /// removed files, and a reader that listed the table a moment ago still opens them. Why
  /// the newest checkpoint *past* the log retention and not the oldest within it: versions
  /// between the two would lose the log they are replayed from.
  ///
  /// `retain` below the table's `delta.deletedFileRetentionDuration` is refused
  /// (`DeltaError.retentionTooShort`): a reader the table promises that long would lose files.
  public func vacuum(retain: TimeInterval, now: Date = Date()) throws -> VacuumReport {
    let snapshot = try self.snapshot()
    let configuration = snapshot.metadata.configuration
    let promised =
      try configuration["delta.deletedFileRetentionDuration"].map {
        try Self.interval($0, property: "delta.deletedFileRetentionDuration")
      } ?? Self.defaultDeletedFileRetention
    guard retain >= promised else {
      throw DeltaError.retentionTooShort(requested: retain, promised: promised)
    }
    let logRetention =
      try configuration["delta.logRetentionDuration"].map {
        try Self.interval($0, property: "delta.logRetentionDuration")
      } ?? Self.defaultLogRetention
    var report = VacuumReport()
    let horizon = now.addingTimeInterval(-retain)
    let horizonMillis = Int64(horizon.timeIntervalSince1970 * 1000)
    var needed = Set(snapshot.files.map(\.relativeFilePath))
    for tombstone in snapshot.tombstones
    where (tombstone.deletionTimestamp ?? Int64.max) >= horizonMillis {
      needed.insert(tombstone.path.removingPercentEncoding ?? tombstone.path)
    }
    let storage = log.storage
    for (relative, modified) in try Self.dataFiles(in: storage)
    where !needed.contains(relative) && modified < horizon {
      try storage.delete(relative)
      report.dataFiles.append(relative)
    }

    let logHorizon = now.addingTimeInterval(-logRetention)
    let listing = try LogListing.read(storage)
    var logTimes: [String: Date] = [:]
    for object in try storage.list(prefix: "_delta_log/") {
      logTimes[String(object.key.dropFirst("_delta_log/".count))] = object.modified
    }
    func modified(_ name: String) -> Date? { logTimes[name] }
    guard
      let cut = listing.checkpoints.last(where: { checkpoint in
        checkpoint.version <= snapshot.version
          && (modified(LogFileName.commit(checkpoint.version)) ?? .distantFuture) <= logHorizon
      })
    else { return report }
    let older =
      listing.commitVersions.filter { $0 < cut.version }.map(LogFileName.commit)
      + listing.checkpoints.filter { $0.version < cut.version }.flatMap(\.fileNames)
    for name in older where (modified(name) ?? .distantFuture) <= logHorizon {
      try storage.delete(DeltaLog.logKey(name))
      report.logFiles.append(name)
    }
    if !report.logFiles.isEmpty { report.oldestReadableVersion = cut.version }
    return report
  }

  /// Every data file under the table (not the log, nor hidden or `_`-prefixed entries, as
  /// the protocol reserves them), relative, with its modification time, in key order.
  private static func dataFiles(in storage: any TableStorage) throws -> [(String, Date)] {
    try storage.list(prefix: "").compactMap { object in
      let components = object.key.split(separator: "/")
      guard object.key.hasSuffix(".parquet"),
        !components.contains(where: { $0.hasPrefix("_") || $0.hasPrefix(".") })
      else { return nil }
      return (object.key, object.modified)
    }
  }

  /// A table property's interval (`interval 7 days`, `interval 168 hours`, `1 week`), in
  /// seconds.
  static func interval(_ text: String, property: String) throws -> TimeInterval {
    var words = text.lowercased().split(separator: " ").map(String.init)
    if words.first == "interval" { words.removeFirst() }
    let units: [String: TimeInterval] = [
      "second": 1, "minute": 60, "hour": 3_600, "day": 86_400, "week": 604_800,
      "millisecond": 0.001, "microsecond": 0.000_001,
    ]
    var total: TimeInterval = 0
    var index = 0
    while index + 1 < words.count {
      var unit = words[index + 1]
      if unit.hasSuffix("s") { unit.removeLast() }
      guard let count = Double(words[index]), let seconds = units[unit], count >= 0 else { break }
      total += count * seconds
      index += 2
    }
    guard index == words.count, index > 0 else {
      throw DeltaError.badTableProperty(
        name: property, value: text, reason: "not an interval such as 'interval 7 days'")
    }
    return total
  }
}
