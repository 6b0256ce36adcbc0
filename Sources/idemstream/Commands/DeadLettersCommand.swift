import ArgumentParser
import Ingestion

/// `idemstream dead-letters`: counts by reason and the latest letters.
struct DeadLetters: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dead-letters", abstract: "Count dead letters by reason and show the latest.")
  @OptionGroup var options: ConfigOptions
  @Option(help: "How many of the latest letters to show.") var latest = 10
  @Flag(help: "Print one JSON document.") var json = false

  func run() throws {
    do {
      let inspector = try StoreInspector(config: try options.load())
      let report = try DeadLetterReport.build(inspector: inspector, latest: latest)
      if json {
        try printJSON(report)
        return
      }
      print("\(report.total) dead letter(s)")
      for (reason, count) in report.reasonsByCount {
        print("  \(count)\t\(reason)")
      }
      if !report.latest.isEmpty { print("latest:") }
      for letter in report.latest {
        print("  \(letter.topic)[\(letter.partition)]@\(letter.offset)  \(letter.error)")
      }
    } catch { throw CommandFailure("\(error)") }
  }
}
