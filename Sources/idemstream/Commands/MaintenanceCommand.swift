import ArgumentParser
import Foundation
import Ingestion

/// `idemstream maintenance`: upkeep of the offline tables.
struct Maintenance: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Keep the offline tables small and fast to read.",
    subcommands: [Optimize.self, Vacuum.self])

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
        let optimizer = TableMaintenance(inspector: inspector)
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

  struct Vacuum: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Delete the files no reader of a retained version needs.",
      discussion: """
        Data files neither live nor removed within --retain (and files no commit names, once \
        older than --retain), and log files older than the table's \
        delta.logRetentionDuration (default 30 days) before the newest checkpoint that old. \
        Every version within the retention stays readable. --retain may not be shorter \
        than the table's delta.deletedFileRetentionDuration (default 1 week).
        """)
    @OptionGroup var options: ConfigOptions
    @Option(help: "How long removed files stay for time travel, e.g. 168h or 7d.")
    var retain: String = "168h"
    @Option(help: "Only this group's table (default: every table of the data dir).")
    var group: String?
    @Flag(help: "Report as JSON lines, one per table.") var json = false

    func run() throws {
      do {
        guard let millis = DurationParser.millis(retain) else {
          throw CommandFailure("bad --retain '\(retain)': give a duration such as 168h or 7d")
        }
        let seconds = TimeInterval(millis) / 1000
        let inspector = try StoreInspector(config: try options.load())
        for table in try TableMaintenance(inspector: inspector).vacuum(
          retain: seconds, group: group)
        {
          let oldest = table.oldestReadableVersion.map(String.init) ?? "null"
          if json {
            print(
              #"{"table":"\#(table.table)","data_files_deleted":\#(table.dataFilesDeleted),"#
                + #""log_files_deleted":\#(table.logFilesDeleted),"oldest_readable_version":\#(oldest)}"#
            )
          } else {
            print(
              "\(table.table): \(table.dataFilesDeleted) data files and "
                + "\(table.logFilesDeleted) log files deleted"
                + (table.oldestReadableVersion.map { "; readable from version \($0)" } ?? ""))
          }
        }
      } catch let failure as CommandFailure {
        throw failure
      } catch { throw CommandFailure("\(error)") }
    }
  }
}
