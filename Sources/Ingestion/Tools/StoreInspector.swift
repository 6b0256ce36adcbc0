import Delta
import Foundation
import Kafka
import OnlineStore
import Parquet

/// Read access to a data dir's stores for the operator tools. Opening it does not take the
/// data-dir lock (unless `forRepair`), so the tools run beside a live `run`.
public final class StoreInspector {
  public let config: IdemstreamConfig
  let online: any OnlineStore
  /// Held by a repair of a PostgreSQL store (`OpenedOnlineStore.lock`).
  private let onlineLock: DataDirectoryLock?

  public init(config: IdemstreamConfig, forRepair: Bool = false) throws {
    self.config = config
    let dataDir = URL(fileURLWithPath: config.dataDir)
    guard FileManager.default.fileExists(atPath: dataDir.path) else {
      throw ToolError.noDataDirectory(config.dataDir)
    }
    let opened = try OpenedOnlineStore(config: config, access: forRepair ? .readWrite : .readOnly)
    online = opened.store
    onlineLock = opened.lock
  }

  /// `config` with group `name` at `version` as the data dir's online store registered it:
  /// what the read tools' `--group-version` reads, for versions the config no longer names
  /// (their tables stay as they were when the config moved on).
  public static func config(
    _ config: IdemstreamConfig, group name: String, version: Int
  ) throws -> IdemstreamConfig {
    guard let index = config.featureGroups.firstIndex(where: { $0.name == name }) else {
      throw ToolError.unknownGroup(name, known: config.featureGroups.map(\.name))
    }
    if config.featureGroups[index].version == version { return config }
    guard FileManager.default.fileExists(atPath: config.dataDir) else {
      throw ToolError.noDataDirectory(config.dataDir)
    }
    let store = try OpenedOnlineStore(config: config, schemas: [], access: .readOnly).store
    defer { store.close() }
    let registered = try store.registeredSchemas().filter { $0.group == name }
    guard let schema = registered.first(where: { $0.version == version }) else {
      throw ToolError.noGroupVersion(name, version, known: registered.map(\.version))
    }
    var selected = config
    selected.featureGroups[index] = FeatureGroup(
      name: name, version: version, primaryKey: schema.primaryKey,
      features: schema.features.map {
        Feature(name: $0.name, type: FeatureType(rawValue: $0.type.rawValue) ?? .string)
      })
    return selected
  }

  /// The configured group of that name, or an error that lists the names there are.
  public func group(named name: String) throws -> FeatureGroup {
    guard let group = config.featureGroups.first(where: { $0.name == name }) else {
      throw ToolError.unknownGroup(name, known: config.featureGroups.map(\.name))
    }
    return group
  }

  /// The offline table of a group, or of the dead letters.
  public func offlineTable(_ tableName: String) throws -> DeltaTable {
    let storage = try OfflineStorage(config).table(tableName)
    guard try DeltaTable.exists(in: storage) else {
      throw ToolError.noOfflineTable(storage.url.isFileURL ? storage.url.path : "\(storage.url)")
    }
    return try DeltaTable.open(in: storage)
  }

  /// The online row of one entity as a JSON line, nil when absent.
  public func onlineGet(group name: String, key argument: String) throws -> String? {
    let group = try group(named: name)
    let key = try KeyArgument.parse(argument, group: group)
    return try online.get(group: group.name, key: key).map { RowJSON.line(group: group, row: $0) }
  }

  /// The online row of one entity with `_table_version`: the offline table version the
  /// store had applied when it answered, so that `offline latest --as-of` that version
  /// gives the same row later. nil when absent.
  public func onlineGetWithVersion(group name: String, key argument: String) throws -> String? {
    let group = try group(named: name)
    let key = try KeyArgument.parse(argument, group: group)
    let (row, version) = try online.getWithVersion(
      group: group.name, key: key, table: group.tableName)
    return row.map {
      RowJSON.line(
        group: group, row: $0, extra: [("_table_version", version.map(String.init) ?? "null")])
    }
  }

  /// Every live online row of a group as JSON lines, in primary-key order.
  public func onlineDump(group name: String, _ body: (String) throws -> Void) throws {
    let group = try group(named: name)
    var cursor = online.dump(group: group.name)
    while let row = try cursor.next() { try body(RowJSON.line(group: group, row: row)) }
  }

  /// Per partition, where the online store stands: the least position over the config's
  /// tables, or over `table` alone. A partition some table holds nothing of is absent.
  public func onlinePositions(table: String? = nil) throws -> [TopicPartition: Int64] {
    let tables = table.map { [$0] } ?? config.featureGroups.map(\.tableName)
    return OnlinePositions(try online.positions()).leastPositions(over: tables).filter {
      $0.value >= 0
    }
  }

  /// Per partition, where the offline store as a whole stands (`BatchEnd.positions`).
  public func offlinePositions() throws -> [TopicPartition: Int64] {
    let featureTables = config.featureGroups.compactMap { group in
      try? offlineTable(group.tableName)
    }
    return try BatchEnd.positions(
      featureTables: featureTables,
      deadLetterTable: try offlineTable(OfflineTableLayout.deadLetterTableName),
      groupID: config.kafka.groupID)
  }
}

/// What the tools refuse, with the fix.
public enum ToolError: Error, CustomStringConvertible {
  case noDataDirectory(String)
  case unknownGroup(String, known: [String])
  case noOfflineTable(String)
  case badKey(String)
  case badAsOf(String)
  case noGroupVersion(String, Int, known: [Int])
  case badEntities(String, String)
  case badFeatures(String)

  public var description: String {
    switch self {
    case .noDataDirectory(let path):
      return "data dir \(path) does not exist: run `idemstream run` with this config first"
    case .unknownGroup(let name, let known):
      return "no feature group '\(name)' in the config; groups: \(known.joined(separator: ", "))"
    case .noOfflineTable(let path):
      return "no Delta table at \(path): nothing has been ingested with this config yet"
    case .badKey(let reason): return "bad KEY: \(reason)"
    case .noGroupVersion(let name, let version, let known):
      return
        "feature group '\(name)' has no version \(version) in this data dir; versions there: "
        + (known.isEmpty ? "none" : known.map(String.init).joined(separator: ", "))
    case .badEntities(let path, let reason): return "entities file \(path): \(reason)"
    case .badFeatures(let reason): return "bad --features: \(reason)"
    case .badAsOf(let text):
      return "bad --as-of '\(text)': give a table version (integer) or an RFC 3339 time"
    }
  }
}
