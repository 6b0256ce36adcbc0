/// The shape of one feature group's online table, independent of how the configuration
/// was read.
///
/// As in the YAML configuration (contract section 3), `features` lists every column in
/// order, primary-key columns included; `primaryKey` names the key columns. The table holds
/// one row per entity: the key columns (in `primaryKey` order), the order of the greatest
/// write (`event_time`, partition, offset), a tombstone flag, then the other features in
/// declaration order (`valueColumns`).
public struct OnlineTableSchema: Sendable, Hashable {
  public var group: String
  public var version: Int
  public var primaryKey: [String]
  public var features: [OnlineColumn]

  public init(group: String, version: Int, primaryKey: [String], features: [OnlineColumn]) {
    self.group = group
    self.version = version
    self.primaryKey = primaryKey
    self.features = features
  }

  /// Convenience for literal schemas: `features: [("user_id", .string), ("clicks", .bigint)]`.
  public init(
    group: String, version: Int, primaryKey: [String], features: [(String, OnlineColumnType)]
  ) {
    self.init(
      group: group, version: version, primaryKey: primaryKey,
      features: features.map { OnlineColumn(name: $0.0, type: $0.1) })
  }

  /// The key columns, in `primaryKey` order: the order of `OnlineWrite.key`.
  public var keyColumns: [OnlineColumn] {
    primaryKey.compactMap { name in features.first { $0.name == name } }
  }

  /// The non-key features, in declaration order: the order of `OnlineWrite.values`.
  public var valueColumns: [OnlineColumn] {
    features.filter { !primaryKey.contains($0.name) }
  }

  /// The SQLite table name: one table per group and version, so a new version of a group
  /// starts empty beside the old one.
  public var tableName: String { "\(group)_v\(version)" }

  /// Column names the store uses for its own bookkeeping; a feature may not take them.
  public static let reservedColumnNames: Set<String> = [
    "event_time", "_partition", "_offset", "_deleted",
  ]

  /// Checks what SQLite and the row layout need; throws `OnlineStoreError.invalidSchema`.
  public func validate() throws {
    func fail(_ reason: String) -> OnlineStoreError {
      .invalidSchema(group: group, reason: reason)
    }
    if group.isEmpty || group.contains("\0") {
      throw fail("the group name must be non-empty and contain no NUL character")
    }
    if group.lowercased().hasPrefix("sqlite_") {
      throw fail("a group name may not start with 'sqlite_' (reserved by SQLite)")
    }
    if version < 0 { throw fail("the version must not be negative (got \(version))") }
    if primaryKey.isEmpty { throw fail("the primary key must name at least one column") }
    // SQLite compares identifiers case-insensitively (ASCII only), so 'Clicks' and 'clicks'
    // would be one column.
    var seen = Set<String>()
    for column in features {
      if column.name.isEmpty || column.name.contains("\0") {
        throw fail("a feature name must be non-empty and contain no NUL character")
      }
      if Self.reservedColumnNames.contains(column.name.lowercased()) {
        throw fail(
          "the feature name '\(column.name)' is reserved by the online store; rename the feature")
      }
      if !seen.insert(column.name.lowercased()).inserted {
        throw fail("the feature '\(column.name)' is declared twice (names are case-insensitive)")
      }
    }
    var seenKey = Set<String>()
    for name in primaryKey {
      if !features.contains(where: { $0.name == name }) {
        throw fail(
          "the primary-key column '\(name)' is not among the features; declare its type there")
      }
      if !seenKey.insert(name).inserted {
        throw fail("the primary-key column '\(name)' is listed twice")
      }
    }
  }

  /// A canonical text form stored beside the table, so that reopening with a different
  /// definition of the same group and version is refused instead of misreading rows.
  /// The schema `canonicalDefinition` describes, as the store registered it (nil: not
  /// in that form).
  package init?(group: String, version: Int, canonicalDefinition definition: String) {
    guard definition.hasPrefix("key="), let split = definition.range(of: ";features=") else {
      return nil
    }
    let key = definition[definition.index(definition.startIndex, offsetBy: 4)..<split.lowerBound]
    var columns: [OnlineColumn] = []
    for column in definition[split.upperBound...].split(separator: ",") {
      let parts = column.split(separator: ":", maxSplits: 1)
      guard parts.count == 2, let type = OnlineColumnType(rawValue: String(parts[1])) else {
        return nil
      }
      columns.append(OnlineColumn(name: String(parts[0]), type: type))
    }
    self.init(
      group: group, version: version, primaryKey: key.split(separator: ",").map(String.init),
      features: columns)
  }

  package var canonicalDefinition: String {
    let columns = features.map { "\($0.name):\($0.type.rawValue)" }.joined(separator: ",")
    return "key=\(primaryKey.joined(separator: ","));features=\(columns)"
  }
}

extension OnlineTableSchema {
  /// Checks a key's arity and types against the primary key; nil when it fits, else the
  /// reason. Shared by every backend, so that a bad key reads the same whichever store
  /// refused it.
  package func keyMismatch(_ key: [OnlineValue]) -> String? {
    let keyColumns = self.keyColumns
    let fits =
      key.count == keyColumns.count
      && key.indices.allSatisfy {
        !key[$0].isNull && !key[$0].isNaN && key[$0].fits(keyColumns[$0].type)
      }
    return fits ? nil : describeKeyMismatch(key, keyColumns: keyColumns)
  }

  private func describeKeyMismatch(_ key: [OnlineValue], keyColumns: [OnlineColumn]) -> String {
    guard key.count == keyColumns.count else {
      return
        "expected \(keyColumns.count) primary-key value(s) (\(keyColumns.map(\.name).joined(separator: ", "))), got \(key.count)"
    }
    for (value, column) in zip(key, keyColumns) {
      if value.isNull { return "primary-key column '\(column.name)' is null" }
      if value.isNaN { return "primary-key column '\(column.name)' is NaN" }
      if !value.fits(column.type) {
        return "primary-key column '\(column.name)' is \(column.type.rawValue), got \(value)"
      }
    }
    return "the key does not fit the primary key"
  }

  /// Checks feature values' arity and types (null fits every feature); nil when they fit.
  package func valuesMismatch(_ values: [OnlineValue]) -> String? {
    let valueColumns = self.valueColumns
    guard values.count == valueColumns.count else {
      return
        "expected \(valueColumns.count) feature value(s) (\(valueColumns.map(\.name).joined(separator: ", "))), got \(values.count)"
    }
    for index in values.indices where !values[index].fits(valueColumns[index].type) {
      return
        "feature '\(valueColumns[index].name)' is \(valueColumns[index].type.rawValue), got \(values[index])"
    }
    return nil
  }
}
