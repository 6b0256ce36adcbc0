import Delta
import Foundation
import OnlineStore

/// An entity's rows in the offline table in write order, as of a version or a time.
public struct OfflineHistory {
  /// `--as-of`: an integer is a table version, anything else an RFC 3339 time.
  public enum AsOf: Sendable {
    case latest
    case version(Int64)
    case time(Date)

    public init(argument: String?) throws {
      guard let argument else {
        self = .latest
        return
      }
      if let version = Int64(argument) {
        self = .version(version)
      } else if let date = Self.parseTime(argument) {
        self = .time(date)
      } else {
        throw ToolError.badAsOf(argument)
      }
    }

    /// The snapshot of `table` this names.
    public func snapshot(of table: DeltaTable) throws -> Snapshot {
      switch self {
      case .latest: return try table.snapshot()
      case .version(let version): return try table.snapshot(version: version)
      case .time(let date): return try table.snapshot(asOf: date)
      }
    }

    public static func parseTime(_ text: String) -> Date? {
      let formatter = ISO8601DateFormatter()
      formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
      if let date = formatter.date(from: text) { return date }
      formatter.formatOptions = [.withInternetDateTime]
      return formatter.date(from: text)
    }
  }

  let inspector: StoreInspector

  public init(inspector: StoreInspector) { self.inspector = inspector }

  /// The rows as JSON lines (the table's columns, bookkeeping included) and the version read.
  public func rows(group name: String, key argument: String, asOf: AsOf) throws
    -> (version: Int64, lines: [String])
  {
    let group = try inspector.group(named: name)
    let key = try KeyArgument.parse(argument, group: group)
    let table = try inspector.offlineTable(group.tableName)
    let snapshot = try asOf.snapshot(of: table)
    var rows: [OfflineRowReader.Row] = []
    var lookup = KeyLookup(keys: [key], group: group)
    let names = snapshot.schema.fields.map(\.name)
    for file in snapshot.files {
      guard
        let columns = try lookup.columns(
          of: file, table: table, snapshot: snapshot, names: names)
      else { continue }
      rows += try OfflineRowReader(group: group, columns: columns).writes()
    }
    // Write order: the order Kafka delivered them in, partition by partition.
    rows.sort { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
    let lines = rows.map { row -> String in
      var fields: [(String, String)] = []
      for (feature, value) in zip(group.keyFeatures, row.write.key) {
        fields.append((feature.name, RowJSON.encode(value)))
      }
      fields.append(
        ("event_time", RowJSON.quote(RFC3339.format(micros: row.write.eventTimeMicros))))
      for (feature, value) in zip(group.valueFeatures, row.write.values) {
        fields.append((feature.name, RowJSON.encode(value)))
      }
      fields += [
        ("_op", RowJSON.quote(row.write.operation.rawValue)),
        ("_idempotency_key", RowJSON.quote(row.write.idempotencyKey)),
        ("_kafka_topic", RowJSON.quote(row.topic)), ("_kafka_partition", "\(row.partition)"),
        ("_kafka_offset", "\(row.offset)"),
      ]
      return RowJSON.object(fields)
    }
    return (snapshot.version, lines)
  }

  /// Per key, the entity's greatest write as of `asOf` as the online row it leaves — what
  /// the online store served while it had applied that version — or nil when the entity
  /// has none or its greatest write is a delete. Only the files and row groups whose
  /// statistics allow one of the keys are read (`KeyLookup`).
  public func latest(group name: String, keys arguments: [String], asOf: AsOf) throws
    -> (version: Int64, lines: [String?])
  {
    let group = try inspector.group(named: name)
    let keys = try arguments.map { try KeyArgument.parse($0, group: group) }
    let table = try inspector.offlineTable(group.tableName)
    let snapshot = try asOf.snapshot(of: table)
    var timeline = try FeatureTimeline(
      group: group, table: table, snapshot: snapshot, only: keys)
    let lines = keys.map { key -> String? in
      guard let place = timeline.latest(key: key, atOrBefore: .max), !timeline.isDelete(place)
      else { return nil }
      return RowJSON.line(group: group, row: timeline.onlineRow(at: place))
    }
    return (snapshot.version, lines)
  }
}
