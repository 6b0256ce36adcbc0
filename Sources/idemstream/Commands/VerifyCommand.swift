import ArgumentParser
import Foundation
import Ingestion

/// `idemstream verify`: do the online store and the offline table agree?
struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare the online store with the offline table.",
    discussion: """
      Each entity's online row must equal its greatest offline write (by event_time, then \
      partition, then offset), among the offline rows the online store has also taken. \
      Exits 0 when they agree, 1 with a report of missing, extra and differing entities. \
      --repair rewrites differing online entities from the offline table (stop `run` first: \
      repair takes the data-dir lock).
      """)
  @OptionGroup var options: ConfigOptions
  @Option(help: "Only this feature group.") var group: String?
  @Flag(help: "Rewrite the online store where it differs from the offline table.") var repair =
    false
  @Flag(help: "Print one JSON document.") var json = false

  struct Report: Encodable {
    var agree: Bool
    var groups: [Verifier.GroupReport]
  }

  func run() throws {
    let report: Report
    do {
      let config = try options.load()
      let inspector = try StoreInspector(config: config, forRepair: repair)
      let verifier = Verifier(inspector: inspector)
      let names = group.map { [$0] } ?? config.featureGroups.map(\.name)
      let progress = ProgressLine(enabled: standardOutputIsTerminal && !json)
      var groups: [Verifier.GroupReport] = []
      for name in names {
        groups.append(
          try verifier.verify(group: name, repair: repair) { rows in
            progress.show("verify \(name): \(rows) offline rows read")
          })
      }
      progress.finish()
      report = Report(agree: groups.allSatisfy(\.agrees), groups: groups)
    } catch { throw CommandFailure("\(error)") }
    if json {
      try printJSON(report)
    } else {
      for group in report.groups {
        let verdict = group.agrees ? "agree" : "DISAGREE"
        print(
          "\(group.group): \(verdict) — \(group.entities) online entities, "
            + "\(group.missing) missing, \(group.extra) extra, \(group.differing) differing"
            + (repair ? ", \(group.repaired) repaired" : ""))
        for (kind, examples) in group.examples.sorted(by: { $0.key < $1.key }) {
          for example in examples {
            print("  \(kind) \(example.keyText)")
            if let online = example.online { print("    online:  \(online.text)") }
            if let offline = example.offline { print("    offline: \(offline.text)") }
          }
        }
      }
    }
    if !report.agree && !repair { throw ExitCode(1) }
  }
}
