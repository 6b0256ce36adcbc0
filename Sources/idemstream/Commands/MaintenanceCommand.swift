import ArgumentParser
import Ingestion

/// `idemstream maintenance`: upkeep of the offline tables.
struct Maintenance: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Keep the offline tables small and fast to read.", subcommands: [Optimize.self])

  struct Optimize: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Rewrite small files into large ones sorted by primary key.",
      discussion: """
        One commit per group of removes and adds with dataChange false: readers see the \
        same rows, earlier versions stay readable, and a running `idemstream run` goes on \
        appending meanwhile. Key look-ups then skip most files by their statistics.
        """)
    @OptionGroup var options: ConfigOptions
    @Option(help: "Only this group (default: every group of the config).") var group: String?
    @Option(help: "Target file size in MiB.") var targetMib: Int = 128
    @Flag(help: "Report as JSON lines, one per group.") var json = false

    func run() throws {
      do {
        guard targetMib > 0 else {
          throw CommandFailure("bad --target-mib \(targetMib): give a positive size in MiB")
        }
        let config = try options.load()
        let inspector = try StoreInspector(config: config)
        let optimizer = TableOptimizer(inspector: inspector)
        for name in group.map({ [$0] }) ?? config.featureGroups.map(\.name) {
          let summary = try optimizer.optimize(
            group: name, targetBytes: Int64(targetMib) << 20)
          if json {
            print(
              #"{"table":"\#(summary.table)","version":\#(summary.version.map(String.init) ?? "null"),"#
                + #""files_removed":\#(summary.filesRemoved),"files_added":\#(summary.filesAdded),"#
                + #""rows":\#(summary.rows)}"#)
          } else if let version = summary.version {
            print(
              "\(summary.table): \(summary.filesRemoved) files → \(summary.filesAdded) sorted "
                + "(\(summary.rows) rows) at version \(version)")
          } else {
            print("\(summary.table): fewer than two small files; nothing to do")
          }
        }
      } catch let failure as CommandFailure {
        throw failure
      } catch { throw CommandFailure("\(error)") }
    }
  }
}
