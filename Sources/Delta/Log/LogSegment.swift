import Foundation

/// The log files that make up one version of a table: the newest complete checkpoint at or
/// before it, plus every commit after that checkpoint up to the version, with no gap.
struct LogSegment: Equatable {
  var version: Int64
  var checkpoint: LogListing.Checkpoint?
  /// Commit versions to replay after the checkpoint, ascending and contiguous.
  var commitVersions: [Int64]

  /// Selects the files for `version` (nil: the latest), failing on any gap or on a checkpoint
  /// that `_last_checkpoint` names but that is missing a part.
  static func build(
    listing: LogListing, lastCheckpoint: LastCheckpoint?, version requested: Int64?,
    tablePath: String
  ) throws -> LogSegment {
    let latestCheckpoint = listing.checkpoints.last?.version
    let latest = [listing.latestVersion, latestCheckpoint].compactMap { $0 }.max()
    guard let latest else { throw DeltaError.tableNotFound(path: tablePath) }
    let version = requested ?? latest
    guard version >= 0, version <= latest else {
      throw DeltaError.versionNotFound(version: version, latest: latest)
    }
    if let hint = lastCheckpoint, hint.version <= version,
      !listing.checkpoints.contains(where: { $0.version == hint.version })
    {
      throw DeltaError.corruptCheckpoint(
        version: hint.version,
        reason:
          "named by _last_checkpoint but missing \(hint.parts.map { "parts of \($0)" } ?? "its file")"
      )
    }
    let checkpoint = listing.checkpoints.last { $0.version <= version }
    let first = (checkpoint?.version ?? -1) + 1
    var commits: [Int64] = []
    if first <= version {
      let start = lowerBound(listing.commitVersions, first)
      var expected = first
      var index = start
      while expected <= version {
        guard index < listing.commitVersions.count, listing.commitVersions[index] == expected else {
          throw DeltaError.missingLogEntry(version: expected)
        }
        commits.append(expected)
        expected += 1
        index += 1
      }
    }
    return LogSegment(version: version, checkpoint: checkpoint, commitVersions: commits)
  }

  private static func lowerBound(_ sorted: [Int64], _ value: Int64) -> Int {
    var low = 0
    var high = sorted.count
    while low < high {
      let mid = (low + high) / 2
      if sorted[mid] < value { low = mid + 1 } else { high = mid }
    }
    return low
  }
}
