import Yams

/// Reads and validates `feature_groups:`: names usable as column and directory names, known
/// types, ordered features, a primary key made of declared features.
struct GroupsReader {
  struct ReadGroup {
    let group: FeatureGroup
    let node: Node
  }

  let reader: ConfigReader

  /// Columns every offline table has besides the features (docs/reference.md, "On disk").
  static let reservedColumns = [
    "event_time", "_op", "_idempotency_key", "_kafka_topic", "_kafka_partition", "_kafka_offset",
  ]

  static let typeList = FeatureType.allCases.map(\.rawValue).joined(separator: ", ")

  func readGroups(_ node: Node) throws(ConfigError) -> [ReadGroup] {
    guard case .sequence(let sequence) = node else {
      throw reader.failure(
        node, "feature_groups must be a list", fix: "start each group with '- name: ...'")
    }
    var groups: [ReadGroup] = []
    for item in sequence {
      let group = try readGroup(item)
      if let earlier = groups.first(where: { $0.group.name == group.name }) {
        throw reader.failure(
          item,
          "feature group '\(group.name)' is declared twice (first at line \(earlier.node.mark?.line ?? 0))",
          fix: "give each group a distinct name, or merge the two")
      }
      groups.append(ReadGroup(group: group, node: item))
    }
    guard !groups.isEmpty else {
      throw reader.failure(
        node, "feature_groups is empty", fix: "declare at least one feature group")
    }
    return groups
  }

  private func readGroup(_ node: Node) throws(ConfigError) -> FeatureGroup {
    let members = try reader.members(
      of: node, in: "a feature group", allowed: ["name", "version", "primary_key", "features"])
    guard let nameNode = members["name"] else {
      throw reader.failure(node, "a feature group has no name", fix: "add name: your_group")
    }
    let name = try reader.string(
      nameNode.value, "the group name", fix: "give a name like user_stats")
    try checkIdentifier(name, node: nameNode.value, what: "feature group name")
    var version = 1
    if let versionNode = members["version"] {
      version = try reader.integer(versionNode.value, "version of '\(name)'", range: 1...1_000_000)
    }
    guard let featuresNode = members["features"] else {
      throw reader.failure(
        node, "feature group '\(name)' has no features", fix: "add features: with name: type lines")
    }
    let features = try readFeatures(featuresNode.value, group: name)
    guard let keyNode = members["primary_key"] else {
      throw reader.failure(
        node, "feature group '\(name)' has no primary_key", fix: "add primary_key: [your_id_column]"
      )
    }
    let primaryKey = try readPrimaryKey(keyNode.value, group: name, features: features)
    return FeatureGroup(name: name, version: version, primaryKey: primaryKey, features: features)
  }

  private func readFeatures(_ node: Node, group: String) throws(ConfigError) -> [Feature] {
    guard case .mapping(let mapping) = node else {
      throw reader.failure(
        node, "features of '\(group)' must be a mapping of name: type",
        fix: "write one 'name: type' line per feature")
    }
    var features: [Feature] = []
    var lowercased: Set<String> = []
    for (keyNode, typeNode) in mapping {
      let name = try reader.string(
        keyNode, "a feature name in '\(group)'", fix: "use plain names as feature names")
      try checkIdentifier(name, node: keyNode, what: "feature name")
      guard !GroupsReader.reservedColumns.contains(name) else {
        throw reader.failure(
          keyNode,
          "feature '\(name)' collides with a column every table has (\(GroupsReader.reservedColumns.joined(separator: ", ")))",
          fix: "rename the feature")
      }
      guard lowercased.insert(name.lowercased()).inserted else {
        throw reader.failure(
          keyNode, "feature '\(name)' differs from another feature of '\(group)' only in case",
          fix: "rename one of them (Spark and other readers ignore case in column names)")
      }
      let typeName = try reader.string(
        typeNode, "the type of feature '\(name)'", fix: "use one of \(GroupsReader.typeList)")
      guard let type = FeatureType(rawValue: typeName) else {
        throw reader.failure(
          typeNode, "feature '\(name)' has unknown type '\(typeName)'",
          fix: "use one of \(GroupsReader.typeList)")
      }
      features.append(Feature(name: name, type: type))
    }
    guard !features.isEmpty else {
      throw reader.failure(
        node, "feature group '\(group)' has no features", fix: "add features: with name: type lines"
      )
    }
    return features
  }

  private func readPrimaryKey(_ node: Node, group: String, features: [Feature]) throws(ConfigError)
    -> [String]
  {
    let items: [Node]
    switch node {
    case .sequence(let sequence): items = Array(sequence)
    case .scalar where !reader.isNull(node): items = [node]
    default:
      throw reader.failure(
        node, "primary_key of '\(group)' must be a list of feature names",
        fix: "write it as primary_key: [user_id]")
    }
    guard !items.isEmpty else {
      throw reader.failure(
        node, "primary_key of '\(group)' is empty", fix: "name at least one feature, e.g. [user_id]"
      )
    }
    var key: [String] = []
    for item in items {
      let column = try reader.string(
        item, "a primary_key column of '\(group)'", fix: "write feature names")
      guard features.contains(where: { $0.name == column }) else {
        throw reader.failure(
          item, "primary key column '\(column)' of '\(group)' is not among its features",
          fix: "declare it under features (e.g. \(column): string) or fix the name")
      }
      guard !key.contains(column) else {
        throw reader.failure(
          item, "primary key column '\(column)' is listed twice", fix: "list each column once")
      }
      key.append(column)
    }
    return key
  }

  /// Names become Parquet/Delta column names and directory names: ASCII letters, digits and
  /// underscores, not starting with a digit, at most 128 characters.
  private func checkIdentifier(_ name: String, node: Node, what: String) throws(ConfigError) {
    let bytes = Array(name.utf8)
    let valid =
      !bytes.isEmpty && bytes.count <= 128 && !(bytes[0] >= 0x30 && bytes[0] <= 0x39)
      && bytes.allSatisfy {
        ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x5F
      }
    guard valid else {
      throw reader.failure(
        node, "\(what) '\(name)' cannot be used as a column name",
        fix:
          "use letters, digits and underscores, starting with a letter or underscore (at most 128)")
    }
  }
}
