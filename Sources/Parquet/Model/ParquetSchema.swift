/// A file's schema: the top-level fields and, derived from them, the leaf columns in file
/// order with their maximum definition and repetition levels.
public struct ParquetSchema: Sendable, Equatable {
  public let fields: [ParquetField]
  public let columns: [ParquetColumnDescriptor]

  /// Validates and flattens `fields`: names must be non-empty and unique among siblings,
  /// groups must have children, leaves must not.
  public init(_ fields: [ParquetField]) throws {
    guard !fields.isEmpty else { throw ParquetError.invalidArgument("a schema needs a field") }
    var columns: [ParquetColumnDescriptor] = []
    try Self.flatten(fields, path: [], definition: 0, repetition: 0, depth: 0, into: &columns)
    self.fields = fields
    self.columns = columns
  }

  /// True when every column is a top-level primitive (no groups, no repetition).
  public var isFlat: Bool {
    fields.allSatisfy { !$0.isGroup && $0.repetition != .repeated }
  }

  /// The index of the column whose dotted path (`add.path`, `user_id`) is `name`.
  public func columnIndex(named name: String) -> Int? {
    columns.firstIndex { $0.name == name }
  }

  private static func flatten(
    _ fields: [ParquetField], path: [String], definition: Int, repetition: Int, depth: Int,
    into columns: inout [ParquetColumnDescriptor]
  ) throws {
    guard depth < 32 else { throw ParquetError.invalidArgument("schema nested too deep") }
    var names = Set<String>()
    for field in fields {
      guard !field.name.isEmpty else { throw ParquetError.invalidArgument("empty field name") }
      guard names.insert(field.name).inserted else {
        throw ParquetError.invalidArgument("duplicate field \(field.name) in \(path)")
      }
      let definitionLevel = definition + (field.repetition == .required ? 0 : 1)
      let repetitionLevel = repetition + (field.repetition == .repeated ? 1 : 0)
      let fieldPath = path + [field.name]
      guard definitionLevel <= 255, repetitionLevel <= 255 else {
        throw ParquetError.invalidArgument("schema levels exceed 255")
      }
      if let physicalType = field.physicalType {
        guard field.children.isEmpty else {
          throw ParquetError.invalidArgument("primitive field \(field.name) has children")
        }
        columns.append(
          ParquetColumnDescriptor(
            path: fieldPath, physicalType: physicalType, logicalType: field.logicalType,
            typeLength: field.typeLength, repetition: field.repetition,
            maxDefinitionLevel: definitionLevel, maxRepetitionLevel: repetitionLevel))
      } else {
        guard !field.children.isEmpty else {
          throw ParquetError.invalidArgument("group \(field.name) has no children")
        }
        try flatten(
          field.children, path: fieldPath, definition: definitionLevel,
          repetition: repetitionLevel, depth: depth + 1, into: &columns)
      }
    }
  }
}
