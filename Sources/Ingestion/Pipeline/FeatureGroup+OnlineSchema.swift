import OnlineStore

extension FeatureGroup {
  /// The online table of this group: one row per entity, columns as declared.
  public var onlineSchema: OnlineTableSchema {
    OnlineTableSchema(
      group: name, version: version, primaryKey: primaryKey,
      features: features.map { OnlineColumn(name: $0.name, type: $0.type.onlineType) })
  }
}

extension FeatureType {
  var onlineType: OnlineColumnType {
    switch self {
    case .bigint: return .bigint
    case .double: return .double
    case .string: return .string
    case .boolean: return .boolean
    case .timestamp: return .timestamp
    }
  }
}
