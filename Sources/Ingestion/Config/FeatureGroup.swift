/// A feature group: the schema every write naming it must follow.
///
/// `features` keeps the declaration order of the YAML file because it is the column order of
/// the offline table; the primary-key columns are declared there too and listed again, in key
/// order, in `primaryKey`.
public struct FeatureGroup: Sendable, Hashable {
  public let name: String
  public let version: Int
  /// The primary-key column names, in key order.
  public let primaryKey: [String]
  /// Every column in declaration order, primary-key columns included.
  public let features: [Feature]

  public init(name: String, version: Int, primaryKey: [String], features: [Feature]) {
    self.name = name
    self.version = version
    self.primaryKey = primaryKey
    self.features = features
  }

  /// The primary-key columns with their types, in key order.
  public var keyFeatures: [Feature] {
    primaryKey.compactMap { column in features.first { $0.name == column } }
  }

  /// The columns that are not part of the primary key, in declaration order: the order of
  /// `FeatureWrite.values`.
  public var valueFeatures: [Feature] {
    let keyColumns = Set(primaryKey)
    return features.filter { !keyColumns.contains($0.name) }
  }

  /// The offline table directory name under `offline/` (docs/reference.md, "On disk").
  public var tableName: String { "\(name)_v\(version)" }
}
