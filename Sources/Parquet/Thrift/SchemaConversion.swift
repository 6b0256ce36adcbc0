/// Converts between `ParquetSchema` and the depth-first `SchemaElement` list of the footer.
enum SchemaConversion {
  static func elements(of schema: ParquetSchema) -> [ThriftSchemaElement] {
    var result = [
      ThriftSchemaElement(
        name: "schema", numChildren: Int32(schema.fields.count))
    ]
    for field in schema.fields { append(field, to: &result) }
    return result
  }

  private static func append(_ field: ParquetField, to result: inout [ThriftSchemaElement]) {
    var element = ThriftSchemaElement()
    element.name = field.name
    element.repetitionType = field.repetition.rawValue
    element.type = field.physicalType?.rawValue
    element.typeLength = field.typeLength
    element.logicalType = field.logicalType
    if field.isGroup { element.numChildren = Int32(field.children.count) }
    if let logicalType = field.logicalType {
      let (converted, scale, precision) = convertedType(for: logicalType)
      element.convertedType = converted
      element.scale = scale
      element.precision = precision
    }
    result.append(element)
    for child in field.children { append(child, to: &result) }
  }

  /// The legacy ConvertedType written next to a logical type, for older readers.
  private static func convertedType(for logicalType: ParquetLogicalType) -> (Int32?, Int32?, Int32?)
  {
    switch logicalType {
    case .string: return (0, nil, nil)
    case .map: return (1, nil, nil)
    case .list: return (3, nil, nil)
    case .enumeration: return (4, nil, nil)
    case .decimal(let scale, let precision): return (5, scale, precision)
    case .date: return (6, nil, nil)
    case .time(true, .millis): return (7, nil, nil)
    case .time(true, .micros): return (8, nil, nil)
    case .timestamp(true, .millis): return (9, nil, nil)
    case .timestamp(true, .micros): return (10, nil, nil)
    case .integer(let bits, let signed):
      let base: Int32 = signed ? 15 : 11
      switch bits {
      case 8: return (base, nil, nil)
      case 16: return (base + 1, nil, nil)
      case 32: return (base + 2, nil, nil)
      case 64: return (base + 3, nil, nil)
      default: return (nil, nil, nil)
      }
    case .json: return (19, nil, nil)
    case .bson: return (20, nil, nil)
    default: return (nil, nil, nil)
    }
  }

  /// The logical type implied by a legacy ConvertedType when no LogicalType is present.
  /// MAP_KEY_VALUE (2), which old writers put on the repeated key/value group, implies
  /// nothing: the MAP on the enclosing group already says it all.
  private static func logicalType(fromConverted converted: Int32, _ element: ThriftSchemaElement)
    -> ParquetLogicalType?
  {
    switch converted {
    case 0: return .string
    case 1: return .map
    case 3: return .list
    case 4: return .enumeration
    case 5: return .decimal(scale: element.scale ?? 0, precision: element.precision ?? 0)
    case 6: return .date
    case 7: return .time(isAdjustedToUTC: true, unit: .millis)
    case 8: return .time(isAdjustedToUTC: true, unit: .micros)
    case 9: return .timestamp(isAdjustedToUTC: true, unit: .millis)
    case 10: return .timestamp(isAdjustedToUTC: true, unit: .micros)
    case 11...14: return .integer(bitWidth: Int8(8 << (converted - 11)), isSigned: false)
    case 15...18: return .integer(bitWidth: Int8(8 << (converted - 15)), isSigned: true)
    case 19: return .json
    case 20: return .bson
    default: return nil
    }
  }

  /// Rebuilds the schema tree from footer elements; counts are checked against the list.
  static func schema(from elements: [ThriftSchemaElement]) throws -> ParquetSchema {
    guard let root = elements.first else {
      throw ParquetError.corrupt("footer has an empty schema")
    }
    var cursor = 1
    let rootChildren = Int(root.numChildren ?? 0)
    guard rootChildren > 0, rootChildren < elements.count else {
      throw ParquetError.corrupt("schema root claims \(rootChildren) children")
    }
    var fields: [ParquetField] = []
    for _ in 0..<rootChildren {
      fields.append(try field(elements, &cursor, depth: 0))
    }
    guard cursor == elements.count else {
      throw ParquetError.corrupt("schema has \(elements.count - cursor) unreachable elements")
    }
    do {
      return try ParquetSchema(fields)
    } catch ParquetError.invalidArgument(let message) {
      throw ParquetError.corrupt("schema: \(message)")
    }
  }

  private static func field(_ elements: [ThriftSchemaElement], _ cursor: inout Int, depth: Int)
    throws -> ParquetField
  {
    guard depth < 32 else { throw ParquetError.corrupt("schema nested too deep") }
    guard cursor < elements.count else { throw ParquetError.corrupt("schema ends early") }
    let element = elements[cursor]
    cursor += 1
    guard let repetition = ParquetRepetition(rawValue: element.repetitionType ?? 0) else {
      throw ParquetError.corrupt(
        "field \(element.name): bad repetition \(element.repetitionType ?? -1)")
    }
    let annotation =
      element.logicalType
      ?? element.convertedType.flatMap { Self.logicalType(fromConverted: $0, element) }
    let childCount = Int(element.numChildren ?? 0)
    if let rawType = element.type, childCount == 0 {
      guard let physicalType = ParquetPhysicalType(rawValue: rawType) else {
        throw ParquetError.corrupt("field \(element.name): bad physical type \(rawType)")
      }
      return ParquetField(
        name: element.name, physicalType: physicalType, logicalType: annotation,
        repetition: repetition, typeLength: element.typeLength)
    }
    guard childCount > 0, childCount <= elements.count - cursor else {
      throw ParquetError.corrupt("group \(element.name) claims \(childCount) children")
    }
    var children: [ParquetField] = []
    for _ in 0..<childCount {
      children.append(try field(elements, &cursor, depth: depth + 1))
    }
    return ParquetField(
      group: element.name, repetition: repetition, logicalType: annotation, children: children)
  }
}
