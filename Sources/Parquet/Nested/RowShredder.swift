/// Turns nested rows into per-leaf definition levels, repetition levels and dense values
/// (Dremel "shredding"), so that nested data goes through the same column chunk encoder
/// as flat batches.
struct RowShredder {
  private struct Accumulator {
    var definitionLevels: [UInt8] = []
    var repetitionLevels: [UInt8] = []
    var booleans: [Bool] = []
    var int32s: [Int32] = []
    var int64s: [Int64] = []
    var doubles: [Double] = []
    var byteArrays = ByteArrayColumn()
    var nullCount = 0
  }

  private let roots: [SchemaNode]
  private let columns: [ParquetColumnDescriptor]
  private var accumulators: [Accumulator]

  init(schema: ParquetSchema) throws {
    roots = try SchemaNode.roots(of: schema)
    columns = schema.columns
    accumulators = Array(repeating: Accumulator(), count: schema.columns.count)
  }

  mutating func append(_ row: [String: ParquetValue]) throws {
    for key in row.keys where !roots.contains(where: { $0.field.name == key }) {
      throw ParquetError.invalidArgument("unknown field \(key)")
    }
    for node in roots { try shred(node, row[node.field.name] ?? .null, repetition: 0) }
  }

  func finish() -> [LeafBatch] {
    zip(accumulators, columns).map { accumulator, column in
      let values: DenseValues
      switch column.physicalType {
      case .boolean: values = .boolean(accumulator.booleans)
      case .int32: values = .int32(accumulator.int32s)
      case .int64: values = .int64(accumulator.int64s)
      case .double: values = .double(accumulator.doubles)
      default: values = .byteArray(accumulator.byteArrays)
      }
      return LeafBatch(
        definitionLevels: column.maxDefinitionLevel > 0 ? accumulator.definitionLevels : nil,
        repetitionLevels: column.maxRepetitionLevel > 0 ? accumulator.repetitionLevels : nil,
        values: values, levelCount: accumulator.definitionLevels.count,
        nullCount: accumulator.nullCount)
    }
  }

  /// Shreds `value` of `node`, handling the node's own repetition; `repetition` is the
  /// level each leaf's first entry gets.
  private mutating func shred(_ node: SchemaNode, _ value: ParquetValue, repetition: Int) throws {
    switch node.field.repetition {
    case .required:
      guard !value.isNull else {
        throw ParquetError.invalidArgument("required field \(node.field.name) is null")
      }
      try present(node, value, repetition: repetition)
    case .optional:
      if value.isNull {
        emitAbsent(node, definition: node.definitionLevel - 1, repetition: repetition)
      } else {
        try present(node, value, repetition: repetition)
      }
    case .repeated:
      // A bare repeated field (outside a LIST/MAP annotation) takes a list of instances.
      let items: [ParquetValue]
      switch value {
      case .null: items = []
      case .list(let list): items = list
      default:
        throw ParquetError.invalidArgument(
          "repeated field \(node.field.name) needs a list, got \(value)")
      }
      if items.isEmpty {
        emitAbsent(node, definition: node.definitionLevel - 1, repetition: repetition)
      }
      for (index, item) in items.enumerated() {
        guard !item.isNull else {
          throw ParquetError.invalidArgument("null in repeated field \(node.field.name)")
        }
        try present(node, item, repetition: index == 0 ? repetition : node.repetitionLevel)
      }
    }
  }

  /// Shreds a non-null `value` of `node`.
  private mutating func present(_ node: SchemaNode, _ value: ParquetValue, repetition: Int) throws {
    switch node.shape {
    case .primitive:
      try appendLeaf(node, value, repetition: repetition)
    case .struct:
      guard case .struct(let fields) = value else {
        throw ParquetError.invalidArgument("field \(node.field.name) needs a struct, got \(value)")
      }
      for key in fields.keys where !node.children.contains(where: { $0.field.name == key }) {
        throw ParquetError.invalidArgument("unknown field \(key) in \(node.field.name)")
      }
      for child in node.children {
        try shred(child, fields[child.field.name] ?? .null, repetition: repetition)
      }
    case .list(let repeated, let element):
      guard case .list(let items) = value else {
        throw ParquetError.invalidArgument("field \(node.field.name) needs a list, got \(value)")
      }
      if items.isEmpty {
        emitAbsent(repeated, definition: node.definitionLevel, repetition: repetition)
      }
      for (index, item) in items.enumerated() {
        let level = index == 0 ? repetition : repeated.repetitionLevel
        if element === repeated {
          guard !item.isNull else {
            throw ParquetError.invalidArgument("null in 2-level list \(node.field.name)")
          }
          try present(repeated, item, repetition: level)
        } else {
          try shred(element, item, repetition: level)
        }
      }
    case .map(let entries, let key, let valueNode):
      guard case .map(let pairs) = value else {
        throw ParquetError.invalidArgument("field \(node.field.name) needs a map, got \(value)")
      }
      if pairs.isEmpty {
        emitAbsent(entries, definition: node.definitionLevel, repetition: repetition)
      }
      for (index, pair) in pairs.enumerated() {
        let level = index == 0 ? repetition : entries.repetitionLevel
        try shred(key, .string(pair.key), repetition: level)
        try shred(valueNode, pair.value, repetition: level)
      }
    }
  }

  private mutating func emitAbsent(_ node: SchemaNode, definition: Int, repetition: Int) {
    for leaf in node.leaves {
      accumulators[leaf].definitionLevels.append(UInt8(definition))
      accumulators[leaf].repetitionLevels.append(UInt8(repetition))
      accumulators[leaf].nullCount += 1
    }
  }

  private mutating func appendLeaf(_ node: SchemaNode, _ value: ParquetValue, repetition: Int)
    throws
  {
    let leaf = node.firstLeaf
    switch (columns[leaf].physicalType, value) {
    case (.boolean, .boolean(let bool)): accumulators[leaf].booleans.append(bool)
    case (.int32, .int32(let int)): accumulators[leaf].int32s.append(int)
    case (.int64, .int64(let int)): accumulators[leaf].int64s.append(int)
    case (.int64, .int32(let int)): accumulators[leaf].int64s.append(Int64(int))
    case (.double, .double(let double)): accumulators[leaf].doubles.append(double)
    case (.byteArray, .string(let string)): accumulators[leaf].byteArrays.append(string)
    case (.byteArray, .bytes(let bytes)): accumulators[leaf].byteArrays.append(bytes: bytes)
    default:
      throw ParquetError.invalidArgument(
        "field \(node.field.name) (\(columns[leaf].physicalType)) cannot hold \(value)")
    }
    accumulators[leaf].definitionLevels.append(UInt8(node.definitionLevel))
    accumulators[leaf].repetitionLevels.append(UInt8(repetition))
  }
}
