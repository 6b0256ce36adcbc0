import Delta
import Foundation
import OnlineStore
import Parquet

/// `offline join`: the point-in-time training set. Each row of an entities file gets, per
/// requested group, the features of its entity's greatest write (by `event_time`, then
/// partition, then offset) with `event_time` at or before the row's, from the group's table
/// as of one version; nulls where there is none or it is a tombstone. Never a value from
/// after the row's time, so a model never trains on its own future.
///
/// The output is the entities file's columns as they are, then `G__feature` per requested
/// feature, in the entities' row order, written as Parquet batch by batch: memory holds the
/// groups' timelines (the files read) and one batch of entity rows, never the whole output.
/// The same arguments give the same bytes: the version is fixed, and nothing in the file
/// depends on time, threads or hashing seeds.
public struct PointInTimeJoin {
  /// One `--features G:f1,f2` (or `G:*`) argument.
  public struct Request: Sendable, Hashable {
    public let group: String
    /// nil: every feature of the group.
    public let features: [String]?

    public init(argument: String) throws {
      guard let colon = argument.firstIndex(of: ":"), colon != argument.startIndex else {
        throw ToolError.badFeatures(
          "'\(argument)': give GROUP:feature1,feature2 or GROUP:* (every feature)")
      }
      group = String(argument[..<colon])
      let list = argument[argument.index(after: colon)...]
      if list == "*" {
        features = nil
      } else {
        let names = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !names.contains(where: \.isEmpty) else {
          throw ToolError.badFeatures("'\(argument)' names an empty feature")
        }
        features = names
      }
    }
  }

  /// What a join read and wrote.
  public struct Summary: Sendable {
    /// Per group, in request order: its table and the version read.
    public var versions: [(table: String, version: Int64)] = []
    public var rows = 0
    /// Entity rows that found a write, per group.
    public var matched: [Int] = []
  }

  private struct Side {
    var timeline: FeatureTimeline
    /// Per key column of the group, its column in the entities file.
    let keyColumns: [Int]
    let keyTypes: [FeatureType]
    /// The requested features: index in the group's `valueFeatures`, and type.
    let features: [(index: Int, type: FeatureType)]
  }

  /// `--as-of` of a join: one version or time for every table, or a version per group
  /// (`user_stats=12,merchant_daily=9`, as a join's report prints them), since the tables
  /// of two groups number their versions apart.
  public struct AsOf: Sendable {
    let every: OfflineHistory.AsOf
    let perGroup: [String: Int64]

    public init(argument: String?) throws {
      guard let argument, argument.contains("=") else {
        every = try OfflineHistory.AsOf(argument: argument)
        perGroup = [:]
        return
      }
      every = .latest
      var versions: [String: Int64] = [:]
      for part in argument.split(separator: ",") {
        let pieces = part.split(separator: "=", maxSplits: 1)
        guard pieces.count == 2, let version = Int64(pieces[1]), version >= 0 else {
          throw ToolError.badAsOf(argument)
        }
        versions[String(pieces[0])] = version
      }
      perGroup = versions
    }

    func of(group: String) throws -> OfflineHistory.AsOf {
      if perGroup.isEmpty { return every }
      guard let version = perGroup[group] else {
        throw ToolError.badFeatures(
          "--as-of gives versions for \(perGroup.keys.sorted().joined(separator: ", ")) "
            + "but not for \(group); give one per joined group")
      }
      return .version(version)
    }
  }

  let inspector: StoreInspector

  public init(inspector: StoreInspector) { self.inspector = inspector }

  public func run(
    entities path: String, requests: [Request], asOf: AsOf, output: String,
    batchRows: Int = 65_536, keyLookupLimit: Int = defaultKeyLookupLimit
  ) throws -> Summary {
    guard !requests.isEmpty else { throw ToolError.badFeatures("name at least one group") }
    let groups = try requests.map { try inspector.group(named: $0.group) }
    var fixedTypes: [String: FeatureType] = ["event_time": .timestamp]
    for group in groups {
      for feature in group.keyFeatures {
        if let earlier = fixedTypes[feature.name], earlier != feature.type {
          throw ToolError.badFeatures(
            "key column '\(feature.name)' is \(earlier.rawValue) in one group and "
              + "\(feature.type.rawValue) in \(group.name); join them separately")
        }
        fixedTypes[feature.name] = feature.type
      }
    }
    let entities = try EntityFile(path: path, columnTypes: fixedTypes)
    let eventTimeColumn = try entities.columnIndex("event_time")
    var fields = entities.fields
    var sides: [Side] = []
    var summary = Summary()
    for (request, group) in zip(requests, groups) {
      let features = try Self.features(of: request, group: group)
      let keyColumns = try group.keyFeatures.map { try entities.columnIndex($0.name) }
      for (column, feature) in zip(keyColumns, group.keyFeatures) {
        try Self.check(entities.fields[column], holds: feature.type, path: path)
      }
      let table = try inspector.offlineTable(group.tableName)
      let keys = try Self.distinctKeys(
        of: entities, columns: keyColumns, types: group.keyFeatures.map(\.type),
        limit: keyLookupLimit)
      let timeline = try FeatureTimeline(
        group: group, table: table, snapshot: try asOf.of(group: group.name).snapshot(of: table),
        only: keys)
      summary.versions.append((group.tableName, timeline.version))
      for (_, feature) in features {
        fields.append(try Self.outputField("\(group.name)__\(feature.name)", feature.type))
      }
      sides.append(
        Side(
          timeline: timeline, keyColumns: keyColumns, keyTypes: group.keyFeatures.map(\.type),
          features: features.map { ($0.index, $0.feature.type) }))
    }
    let names = fields.map(\.name)
    if let clash = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
      throw ToolError.badFeatures(
        "the output would have two columns '\(clash)'; rename that column of the entities file")
    }
    let eventTimeField = entities.fields[eventTimeColumn]
    try Self.check(eventTimeField, holds: .timestamp, path: path)

    let writer = try ParquetWriter(path: output, schema: try ParquetSchema(fields))
    summary.matched = Array(repeating: 0, count: sides.count)
    try entities.forEachBatch(batchRows: batchRows) { columns in
      let count = columns.first?.count ?? 0
      var outputColumns = columns
      for index in sides.indices {
        let side = sides[index]
        var builders = side.features.map { ColumnBuilder(featureType: $0.type) }
        var key = [OnlineValue](repeating: .null, count: side.keyColumns.count)
        for row in 0..<count {
          var place: FeatureTimeline.Place?
          if let eventTime = Self.micros(columns[eventTimeColumn], eventTimeField, row) {
            for (slot, column) in side.keyColumns.enumerated() {
              key[slot] = Self.value(
                columns[column], entities.fields[column], as: side.keyTypes[slot], row)
            }
            if !key.contains(.null) {
              place = sides[index].timeline.latest(key: key, atOrBefore: eventTime)
            }
          }
          if let found = place, !side.timeline.isDelete(found) {
            summary.matched[index] += 1
            for (builder, feature) in zip(builders.indices, side.features) {
              builders[builder].append(side.timeline.value(feature.index, at: found))
            }
          } else {
            for builder in builders.indices { builders[builder].appendNull() }
          }
        }
        outputColumns += builders.map { $0.finish() }
      }
      if count > 0 { try writer.write(rowGroup: outputColumns) }
      summary.rows += count
    }
    _ = try writer.close()
    return summary
  }

  /// Up to this many distinct entities, a side reads only the files and row groups that can
  /// hold them and keeps only their writes (`KeyLookup`); past it, the whole table as of the
  /// version, since when nearly every entity is asked for, filtering rows costs more than
  /// it saves. The output is the same either way.
  public static let defaultKeyLookupLimit = 10_000

  /// The distinct non-null keys of the entity rows (columns `columns`, read as `types`), or
  /// nil when there are more than `limit`.
  private static func distinctKeys(
    of entities: EntityFile, columns: [Int], types: [FeatureType], limit: Int
  ) throws -> [[OnlineValue]]? {
    struct TooMany: Error {}
    if limit == 0 { return nil }
    var slots = EntitySlots(expectedCount: 1 << 12)
    var keys: [[OnlineValue]] = []
    var key = [OnlineValue](repeating: .null, count: columns.count)
    do {
      try entities.forEachBatch(batchRows: 65_536) { batch in
        for row in 0..<(batch.first?.count ?? 0) {
          for (slot, column) in columns.enumerated() {
            key[slot] = value(batch[column], entities.fields[column], as: types[slot], row)
          }
          if key.contains(.null) || slots.slot(for: key) < keys.count { continue }
          keys.append(key)
          if keys.count > limit { throw TooMany() }
        }
      }
    } catch is TooMany {
      return nil
    }
    return keys
  }

  /// The first `count` rows of a join's output as JSON objects (timestamps as RFC 3339), for
  /// a quick look at a training set.
  public static func preview(_ output: String, count: Int) throws -> [String] {
    let reader = try ParquetReader(path: output)
    guard reader.rowGroupCount > 0 else { return [] }
    let fields = reader.schema.fields
    let columns = try fields.indices.map { try reader.readColumn($0, rowGroup: 0) }
    let rows = min(count, columns.first?.count ?? 0)
    return (0..<rows).map { row in
      RowJSON.object(
        zip(fields, columns).map { field, column in
          let value: OnlineValue
          if column.isNull(at: row) {
            value = .null
          } else if case .timestamp = field.logicalType {
            value = micros(column, field, row).map(OnlineValue.timestamp) ?? .null
          } else {
            switch column {
            case .int64(let values, _): value = .bigint(values[row])
            case .int32(let values, _): value = .bigint(Int64(values[row]))
            case .double(let values, _): value = .double(values[row])
            case .boolean(let values, _): value = .boolean(values[row])
            case .byteArray(let values, _): value = .string(values.string(at: row))
            }
          }
          return (field.name, RowJSON.encode(value))
        })
    }
  }

  private static func features(of request: Request, group: FeatureGroup) throws -> [(
    index: Int, feature: Feature
  )] {
    let values = group.valueFeatures
    guard let names = request.features else { return values.enumerated().map { ($0, $1) } }
    return try names.map { name in
      guard let index = values.firstIndex(where: { $0.name == name }) else {
        throw ToolError.badFeatures(
          "group '\(group.name)' has no feature '\(name)'; its features: "
            + values.map(\.name).joined(separator: ", "))
      }
      return (index, values[index])
    }
  }

  /// The offline table's own mapping, so a joined column is stored as the table stores it.
  static func outputField(_ name: String, _ type: FeatureType) throws -> ParquetField {
    try DeltaField(name, OfflineTableLayout.deltaType(type), nullable: true).parquetField()
  }

  /// Refuses an entities column whose Parquet type cannot hold values of `type`.
  private static func check(_ field: ParquetField, holds type: FeatureType, path: String) throws {
    let physical = field.physicalType
    let fits: Bool
    switch type {
    case .bigint: fits = physical == .int64 || physical == .int32
    case .double: fits = physical == .double || physical == .int64 || physical == .int32
    case .boolean: fits = physical == .boolean
    case .string: fits = physical == .byteArray
    case .timestamp: fits = physical == .int64 || physical == .byteArray
    }
    guard fits else {
      throw ToolError.badEntities(
        path,
        "column '\(field.name)' is \(physical.map { "\($0)" } ?? "a group"), "
          + "which cannot hold a \(type.rawValue)")
    }
  }

  /// The row's time in microseconds: a Parquet timestamp in its unit, a plain integer as
  /// epoch milliseconds (as in a feature write), a string as RFC 3339; nil when null or bad.
  static func micros(_ column: ParquetColumnValues, _ field: ParquetField, _ row: Int) -> Int64? {
    if column.isNull(at: row) { return nil }
    switch column {
    case .int64(let values, _):
      let value = values[row]
      switch field.logicalType {
      case .timestamp(_, .micros): return value
      case .timestamp(_, .millis): return value.multipliedReportingOverflow(by: 1000).partialValue
      case .timestamp(_, .nanos): return value / 1000 - (value % 1000 < 0 ? 1 : 0)
      default: return TimestampParser.micros(fromEpochMillis: value)
      }
    case .byteArray(let values, _):
      guard case .success(let micros) = TimestampParser.micros(fromRFC3339: values.string(at: row))
      else { return nil }
      return micros
    default: return nil
    }
  }

  /// An entities cell as a key value of `type` (`check` has matched the column's type).
  static func value(
    _ column: ParquetColumnValues, _ field: ParquetField, as type: FeatureType, _ row: Int
  ) -> OnlineValue {
    if column.isNull(at: row) { return .null }
    if type == .timestamp { return micros(column, field, row).map(OnlineValue.timestamp) ?? .null }
    switch (type, column) {
    case (.bigint, .int64(let values, _)): return .bigint(values[row])
    case (.bigint, .int32(let values, _)): return .bigint(Int64(values[row]))
    case (.double, .double(let values, _)): return .double(values[row])
    case (.double, .int64(let values, _)): return .double(Double(values[row]))
    case (.double, .int32(let values, _)): return .double(Double(values[row]))
    case (.boolean, .boolean(let values, _)): return .boolean(values[row])
    case (.string, .byteArray(let values, _)): return .string(values.string(at: row))
    default: return .null
    }
  }
}
