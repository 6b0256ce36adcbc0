import ArgumentParser
import Ingestion

/// `idemstream online get|dump`: the online store's rows as JSON lines.
struct Online: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Read the online store.", subcommands: [Get.self, Dump.self])

  struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the online rows of entities as JSON lines.",
      discussion: """
        KEY is the key value for a one-column primary key (u42), else a JSON object of the \
        key columns ('{"merchant_id":7,"day":"2026-01-01"}'). A KEY with no live online row \
        prints nothing; the absent KEYs are named in one line on standard error and the exit \
        status is 1, as for `offline history`.
        """)
    @OptionGroup var options: ConfigOptions
    @OptionGroup var groupOptions: GroupOptions
    var group: String { groupOptions.group }
    @Flag(
      help: """
        Add _table_version: the offline table version the store had applied when it \
        answered (`offline latest --as-of` it gives the same row).
        """)
    var withVersion = false
    @Argument(help: "Entity keys.") var keys: [String]

    func run() throws {
      let inspector: StoreInspector
      do { inspector = try groupOptions.inspector(options) } catch {
        throw CommandFailure("\(error)")
      }
      var absent: [String] = []
      for key in keys {
        do {
          let line =
            withVersion
            ? try inspector.onlineGetWithVersion(group: group, key: key)
            : try inspector.onlineGet(group: group, key: key)
          if let line {
            print(line)
          } else {
            absent.append(key)
          }
        } catch { throw CommandFailure("\(error)") }
      }
      if !absent.isEmpty {
        throw AbsentKeys(
          store: "online", group: group, keys: absent,
          fix: "check the key; a deleted entity has none (`offline history` shows its writes)")
      }
    }
  }

  struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print every live online row of a group as JSON lines, in primary-key order.")
    @OptionGroup var options: ConfigOptions
    @OptionGroup var groupOptions: GroupOptions
    var group: String { groupOptions.group }

    func run() throws {
      do {
        let inspector = try groupOptions.inspector(options)
        try inspector.onlineDump(group: group) { print($0) }
      } catch let failure as CommandFailure {
        throw failure
      } catch { throw CommandFailure("\(error)") }
    }
  }
}
