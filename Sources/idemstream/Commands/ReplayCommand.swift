import ArgumentParser
import Foundation
import Ingestion
import Kafka

/// `idemstream replay`: re-read a topic range through the same rules.
struct Replay: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Re-read a topic range through the same rules and write what is new.",
    discussion: """
      Nothing is written when the stores already hold the range. Reports per group how many \
      records were new, duplicates, stale and dead letters. --dry-run writes nothing and \
      reports what a run would write. --from-offsets takes a JSON object \
      '{"features": {"0": 120, "1": 0}}' (topic → partition → first offset).
      """)
  @OptionGroup var options: ConfigOptions
  @Flag(help: "From the first record each partition holds.") var fromBeginning = false
  @Option(help: "From these offsets (JSON: topic → partition → offset).") var fromOffsets: String?
  @Option(help: "From the first record at or after this RFC 3339 time.") var fromTime: String?
  @Flag(help: "Write nothing; report what would be written.") var dryRun = false
  @Flag(help: "Print one JSON document.") var json = false

  func validate() throws {
    let chosen = [fromBeginning, fromOffsets != nil, fromTime != nil].filter { $0 }.count
    guard chosen == 1 else {
      throw ValidationError("give exactly one of --from-beginning, --from-offsets, --from-time")
    }
  }

  struct Report: Encodable {
    var dryRun: Bool
    var consumed: Int
    var groups: [String: GroupCounts]
    var deadLetters: Int

    enum CodingKeys: String, CodingKey {
      case consumed, groups
      case dryRun = "dry_run"
      case deadLetters = "dead_letters"
    }
  }

  func run() throws {
    let counts: IngestionCounts
    do {
      let config = try options.load()
      let start: ReplayStart
      if fromBeginning {
        start = .beginning
      } else if let fromTime {
        guard let date = OfflineHistory.AsOf.parseTime(fromTime) else {
          throw CommandFailure("bad --from-time '\(fromTime)': give an RFC 3339 time")
        }
        start = .time(date)
      } else {
        start = .offsets(try Self.parseOffsets(fromOffsets ?? ""))
      }
      let service = IngestionService(
        config: config, options: IngestionService.Options(), logger: options.logger())
      counts = try service.replay(from: start, dryRun: dryRun)
    } catch let failure as CommandFailure {
      throw failure
    } catch { throw CommandFailure("\(error)") }
    var groups = counts.groups
    for group in try options.load().featureGroups where groups[group.name] == nil {
      groups[group.name] = GroupCounts()
    }
    if json {
      try printJSON(
        Report(
          dryRun: dryRun, consumed: counts.consumed, groups: groups,
          deadLetters: counts.deadLettered))
      return
    }
    print("\(dryRun ? "dry run: " : "")\(counts.consumed) record(s) read")
    for (name, group) in groups.sorted(by: { $0.key < $1.key }) {
      print(
        "  \(name): \(group.new) new, \(group.duplicate) duplicate, \(group.stale) stale, "
          + "\(group.conflict) conflicting, \(group.held) already held")
    }
    print("  dead letters: \(counts.deadLettered)")
  }

  static func parseOffsets(_ text: String) throws -> [TopicPartition: Int64] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    else { throw CommandFailure("--from-offsets must be a JSON object: {\"topic\": {\"0\": 120}}") }
    var offsets: [TopicPartition: Int64] = [:]
    for (topic, value) in object {
      guard let partitions = value as? [String: Any] else {
        throw CommandFailure("--from-offsets: topic '\(topic)' must map partitions to offsets")
      }
      for (partition, offset) in partitions {
        guard let number = Int32(partition), let start = (offset as? NSNumber)?.int64Value else {
          throw CommandFailure("--from-offsets: bad entry \(topic)/\(partition)")
        }
        offsets[TopicPartition(topic, number)] = start
      }
    }
    return offsets
  }
}
