/// Rebuilds nested rows from decoded leaf columns (Dremel record assembly). Each node
/// reads one entry per leaf beneath it at least, so assembly always advances; running out
/// of entries or finding levels that contradict the schema is reported as corrupt data.
struct RowAssembler {
  private struct Cursor {
    var level = 0
    var value = 0
  }

  private let roots: [SchemaNode]
  private let columns: [ParquetColumnDescriptor]
  private let leaves: [DecodedLeaf]
  private let values: [DenseValues]
  private var cursors: [Cursor]

  init(schema: ParquetSchema, leaves: [DecodedLeaf]) throws {
    roots = try SchemaNode.roots(of: schema)
    columns = schema.columns
    self.leaves = leaves
    values = leaves.map(\.values.values)
    cursors = Array(repeating: Cursor(), count: leaves.count)
  }

  mutating func rows(_ count: Int) throws -> [[String: ParquetValue]] {
    // Every row takes at least one entry of every leaf.
    let available = leaves.map(\.levelCount).min() ?? 0
    guard count <= available else {
      throw ParquetError.corrupt("\(count) rows claimed, columns hold \(available) entries")
    }
    var rows: [[String: ParquetValue]] = []
    rows.reserveCapacity(count)
    for _ in 0..<count {
      var row: [String: ParquetValue] = [:]
      for node in roots { row[node.field.name] = try readField(node) }
      rows.append(row)
    }
    for (index, cursor) in cursors.enumerated() where cursor.level != leaves[index].levelCount {
      throw ParquetError.corrupt("column \(columns[index].name) has entries beyond the row count")
    }
    return rows
  }

  private func definition(_ leaf: Int) throws -> Int {
    let cursor = cursors[leaf]
    guard cursor.level < leaves[leaf].levelCount else {
      throw ParquetError.corrupt(
        "column \(columns[leaf].name) has fewer entries than its rows need")
    }
    guard let levels = leaves[leaf].definitionLevels else { return 0 }
    return Int(levels[cursor.level])
  }

  private func repetition(_ leaf: Int) -> Int? {
    let cursor = cursors[leaf]
    guard cursor.level < leaves[leaf].levelCount else { return nil }
    guard let levels = leaves[leaf].repetitionLevels else { return 0 }
    return Int(levels[cursor.level])
  }

  /// Consumes one absent entry from every leaf under `node`.
  private mutating func skip(_ node: SchemaNode) throws {
    for leaf in node.leaves {
      let level = try definition(leaf)
      guard level < columns[leaf].maxDefinitionLevel else {
        throw ParquetError.corrupt("column \(columns[leaf].name): value where its parent is absent")
      }
      cursors[leaf].level += 1
    }
  }

  private mutating func readField(_ node: SchemaNode) throws -> ParquetValue {
    if node.field.repetition == .repeated {
      return try readItems(node, repeated: node, element: node)
    }
    let level = try definition(node.firstLeaf)
    if level < node.definitionLevel {
      guard node.field.repetition == .optional else {
        throw ParquetError.corrupt("required field \(node.field.name) is absent")
      }
      try skip(node)
      return .null
    }
    return try readPresent(node)
  }

  private mutating func readPresent(_ node: SchemaNode) throws -> ParquetValue {
    switch node.shape {
    case .primitive:
      return try readLeaf(node.firstLeaf)
    case .struct:
      var fields: [String: ParquetValue] = [:]
      for child in node.children { fields[child.field.name] = try readField(child) }
      return .struct(fields)
    case .list(let repeated, let element):
      return try readItems(node, repeated: repeated, element: element)
    case .map(let entries, let key, let value):
      let items = try readItems(node, repeated: entries, element: entries)
      guard case .list(let instances) = items else { return items }
      var pairs: [(key: String, value: ParquetValue)] = []
      pairs.reserveCapacity(instances.count)
      for instance in instances {
        guard case .struct(let fields) = instance else { continue }
        switch fields[key.field.name] ?? .null {
        case .string(let name): pairs.append((name, fields[value.field.name] ?? .null))
        case .bytes(let name):
          pairs.append((String(decoding: name, as: UTF8.self), fields[value.field.name] ?? .null))
        default: throw ParquetError.corrupt("map \(node.field.name) has a null or non-string key")
        }
      }
      return .map(pairs)
    }
  }

  /// The instances of `repeated` at this position: empty when the first leaf's entry
  /// stops short of the repeated level, else items until the repetition level drops.
  private mutating func readItems(_ node: SchemaNode, repeated: SchemaNode, element: SchemaNode)
    throws
    -> ParquetValue
  {
    let first = node.firstLeaf
    if try definition(first) < repeated.definitionLevel {
      try skip(repeated)
      return .list([])
    }
    var items: [ParquetValue] = []
    while true {
      items.append(element === repeated ? try readPresent(repeated) : try readField(element))
      guard let next = repetition(first), next == repeated.repetitionLevel else { break }
    }
    return .list(items)
  }

  private mutating func readLeaf(_ leaf: Int) throws -> ParquetValue {
    let descriptor = columns[leaf]
    guard try definition(leaf) == descriptor.maxDefinitionLevel else {
      throw ParquetError.corrupt("column \(descriptor.name): level inconsistent with schema")
    }
    let index = cursors[leaf].value
    cursors[leaf].level += 1
    cursors[leaf].value += 1
    guard index < values[leaf].count else {
      throw ParquetError.corrupt("column \(descriptor.name) has fewer values than levels")
    }
    switch values[leaf] {
    case .boolean(let items): return .boolean(items[index])
    case .int32(let items): return .int32(items[index])
    case .int64(let items): return .int64(items[index])
    case .double(let items): return .double(items[index])
    case .byteArray(let items):
      switch descriptor.logicalType {
      case .string, .enumeration, .json: return .string(items.string(at: index))
      default: return .bytes(Array(items[index]))
      }
    }
  }
}
