import ArgumentParser
import Foundation
import Ingestion

extension Offline {
  /// `idemstream offline join`: the point-in-time training set.
  struct Join: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a point-in-time training set: each entity row with the features it had.",
      discussion: """
        Each row of --entities (Parquet, CSV with a header, or JSON lines) names an entity by \
        its primary-key columns and a time in `event_time`; it gets, per group, the features \
        of the entity's greatest write with event_time at or before the row's (nulls when \
        there is none, or it is a delete), from the table as of --as-of (default: the \
        latest version). Output columns: the entities' own, then GROUP__feature. The same \
        arguments give the same bytes. See docs/reference.md, "Reads".
        """)
    @OptionGroup var options: ConfigOptions
    @Option(help: "The entities file: .parquet, .csv or .jsonl.") var entities: String
    @Option(
      parsing: .upToNextOption,
      help: "GROUP:feature1,feature2 or GROUP:* (every feature), one per group.")
    var features: [String]
    @Option(
      help: """
        A table version or an RFC 3339 time for every group, or GROUP=VERSION,... (one per \
        group, as the report prints them).
        """)
    var asOf: String?
    @Option(help: "The Parquet file to write.") var out: String
    @Option(
      help: ArgumentHelp(
        "Read only the table rows of the entities asked for when a group has at most this many "
          + "distinct ones (0: always the whole table).",
        discussion: "The output is the same either way; this trades a first pass over the "
          + "entities file and a row filter for reading less of the table."))
    var keyLookupLimit = PointInTimeJoin.defaultKeyLookupLimit
    @Flag(help: "Report as one JSON object.") var json = false

    func validate() throws {
      guard keyLookupLimit >= 0 else {
        throw ValidationError("--key-lookup-limit must be 0 or more")
      }
    }

    func run() throws {
      do {
        let inspector = try StoreInspector(config: try options.load())
        let summary = try PointInTimeJoin(inspector: inspector).run(
          entities: entities, requests: try features.map(PointInTimeJoin.Request.init),
          asOf: try PointInTimeJoin.AsOf(argument: asOf), output: out,
          keyLookupLimit: keyLookupLimit)
        if json {
          let versions = summary.versions.map { "\"\($0.table)\":\($0.version)" }
          print(
            #"{"rows":\#(summary.rows),"matched":[\#(summary.matched.map(String.init).joined(separator: ","))],"#
              + #""versions":{\#(versions.joined(separator: ","))},"out":\#(RowJSON.quote(out))}"#)
        } else {
          let read = summary.versions.map { "\($0.table) at version \($0.version)" }
          print("read \(read.joined(separator: ", "))")
          let pin = zip(features, summary.versions).map {
            "\($0.0.split(separator: ":")[0])=\($0.1.version)"
          }
          print("repeat it with --as-of \(pin.joined(separator: ","))")
          print("wrote \(summary.rows) row(s) to \(out)")
        }
      } catch { throw CommandFailure("\(error)") }
    }
  }
}

extension Offline {
  /// `idemstream offline read`: a time range of a group's table, sorted, as Parquet.
  struct Read: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write every row with from <= event_time < to, sorted by key, as Parquet.",
      discussion: """
        Rows of the table as of --as-of (default: the latest version), every column, sorted \
        by primary key and then write order (event_time, partition, offset). The same \
        arguments give the same bytes. --from and --to take an RFC 3339 time or epoch \
        milliseconds.
        """)
    @OptionGroup var options: ConfigOptions
    @OptionGroup var groupOptions: GroupOptions
    @Option(help: "Earliest event_time, inclusive.") var from: String?
    @Option(help: "Latest event_time, exclusive.") var to: String?
    @Option(help: "A table version or an RFC 3339 time.") var asOf: String?
    @Option(help: "The Parquet file to write.") var out: String
    @Flag(help: "Report as one JSON object.") var json = false

    func run() throws {
      do {
        let inspector = try groupOptions.inspector(options)
        let summary = try OfflineRangeRead(inspector: inspector).run(
          group: groupOptions.group, from: try Self.micros(from, "--from"),
          to: try Self.micros(to, "--to"), asOf: try OfflineHistory.AsOf(argument: asOf),
          output: out)
        if json {
          print(
            #"{"table":"\#(summary.table)","version":\#(summary.version),"rows":\#(summary.rows),"#
              + #""files_read":\#(summary.filesRead),"files_in_version":\#(summary.filesInVersion),"#
              + #""out":\#(RowJSON.quote(out))}"#)
        } else {
          print(
            "read \(summary.table) at version \(summary.version) "
              + "(\(summary.filesRead) of \(summary.filesInVersion) files)")
          print("wrote \(summary.rows) row(s) to \(out)")
        }
      } catch { throw CommandFailure("\(error)") }
    }

    static func micros(_ text: String?, _ flag: String) throws -> Int64? {
      guard let text else { return nil }
      if let millis = Int64(text), let micros = TimestampParser.micros(fromEpochMillis: millis) {
        return micros
      }
      guard case .success(let micros) = TimestampParser.micros(fromRFC3339: text) else {
        throw CommandFailure(
          "bad \(flag) '\(text)': give an RFC 3339 time (2026-01-01T00:00:00Z) or epoch milliseconds"
        )
      }
      return micros
    }
  }
}

extension Offline {
  /// `idemstream offline latest`: what the online store served at a table version.
  struct Latest: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print each entity's greatest write as of a table version, as online rows.",
      discussion: """
        The rows `online get --with-version` gave while the online store had applied that \
        version, with the same columns: give it the `_table_version` an online answer \
        carried to reproduce that answer. An entity whose greatest write is a delete has \
        none; absent KEYs are named on standard error and the exit status is 1.
        """)
    @OptionGroup var options: ConfigOptions
    @OptionGroup var groupOptions: GroupOptions
    @Option(help: "A table version or an RFC 3339 time (default: the latest).") var asOf: String?
    @Argument(help: "Entity keys.") var keys: [String]

    func run() throws {
      let group = groupOptions.group
      let (version, lines): (Int64, [String?])
      do {
        let inspector = try groupOptions.inspector(options)
        (version, lines) = try OfflineHistory(inspector: inspector).latest(
          group: group, keys: keys, asOf: try OfflineHistory.AsOf(argument: asOf))
      } catch { throw CommandFailure("\(error)") }
      for line in lines { if let line { print(line) } }
      let absent = zip(keys, lines).filter { $0.1 == nil }.map(\.0)
      if !absent.isEmpty {
        throw AbsentKeys(
          store: "offline", group: group, keys: absent, place: " at table version \(version)",
          fix: "check the key and the version; `offline history` shows every write")
      }
    }
  }
}
