import ArgumentParser
import Ingestion

/// `idemstream offline history`: an entity's rows in the offline table, with time travel.
struct Offline: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Read the offline table.",
    subcommands: [History.self, Latest.self, Read.self, Join.self])

  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print an entity's offline rows in write order.",
      discussion: """
        --as-of takes a table version (an integer) or an RFC 3339 time; without it, the \
        latest version. KEY as for `online get`: the KEYs with no row at that version are \
        named in one line on standard error and the exit status is 1.
        """)
    @OptionGroup var options: ConfigOptions
    @OptionGroup var groupOptions: GroupOptions
    var group: String { groupOptions.group }
    @Option(help: "A table version or an RFC 3339 time.") var asOf: String?
    @Flag(help: "Print JSON lines only.") var json = false
    @Argument(help: "Entity keys.") var keys: [String]

    func run() throws {
      var absent: [String] = []
      var tableVersion: Int64 = 0
      do {
        let inspector = try groupOptions.inspector(options)
        let history = OfflineHistory(inspector: inspector)
        let asOf = try OfflineHistory.AsOf(argument: self.asOf)
        for key in keys {
          let (version, lines) = try history.rows(group: group, key: key, asOf: asOf)
          tableVersion = version
          if !json { print("# \(group) \(key): \(lines.count) row(s) at table version \(version)") }
          for line in lines { print(line) }
          if lines.isEmpty { absent.append(key) }
        }
      } catch { throw CommandFailure("\(error)") }
      if !absent.isEmpty {
        throw AbsentKeys(
          store: "offline", group: group, keys: absent,
          place: " at table version \(tableVersion)",
          fix: "check the key, or give --as-of a later version")
      }
    }
  }
}
