/// The schema as a tree annotated with each node's leaf range and levels, shared by the
/// row shredder (writing) and the row assembler (reading).
final class SchemaNode: Sendable {
  enum Shape: Sendable {
    case primitive
    case `struct`
    /// A LIST-annotated group (or a bare repeated field); `element` is the item node.
    case list(repeated: SchemaNode, element: SchemaNode)
    /// A MAP-annotated group; `entries` is the repeated key_value group.
    case map(entries: SchemaNode, key: SchemaNode, value: SchemaNode)
  }

  let field: ParquetField
  let children: [SchemaNode]
  /// Index of the node's first leaf column and number of leaves under it.
  let firstLeaf: Int
  let leafCount: Int
  /// Definition level at which this node is present (counting itself).
  let definitionLevel: Int
  /// Repetition level of the innermost repeated node at or above this one.
  let repetitionLevel: Int
  let shape: Shape

  var leaves: Range<Int> { firstLeaf..<firstLeaf + leafCount }

  init(field: ParquetField, firstLeaf: Int, parentDefinition: Int, parentRepetition: Int) throws {
    self.field = field
    self.firstLeaf = firstLeaf
    definitionLevel = parentDefinition + (field.repetition == .required ? 0 : 1)
    repetitionLevel = parentRepetition + (field.repetition == .repeated ? 1 : 0)
    var next = firstLeaf
    var built: [SchemaNode] = []
    for child in field.children {
      let node = try SchemaNode(
        field: child, firstLeaf: next, parentDefinition: definitionLevel,
        parentRepetition: repetitionLevel)
      next += node.leafCount
      built.append(node)
    }
    children = built
    leafCount = field.isGroup ? next - firstLeaf : 1
    shape = try Self.shape(of: field, children: built)
  }

  private static func shape(of field: ParquetField, children: [SchemaNode]) throws -> Shape {
    guard field.isGroup else { return .primitive }
    let isList: Bool
    let isMap: Bool
    switch field.logicalType {
    case .list: (isList, isMap) = (true, false)
    case .map: (isList, isMap) = (false, true)
    default: (isList, isMap) = (false, false)
    }
    if isMap {
      guard children.count == 1, let entries = children.first,
        entries.field.repetition == .repeated,
        entries.children.count == 2
      else {
        throw ParquetError.unsupported("MAP group \(field.name) is not a repeated key/value group")
      }
      return .map(entries: entries, key: entries.children[0], value: entries.children[1])
    }
    if isList {
      guard children.count == 1, let repeated = children.first,
        repeated.field.repetition == .repeated
      else {
        throw ParquetError.unsupported("LIST group \(field.name) lacks a single repeated child")
      }
      // 3-level lists wrap the element in a one-field group; 2-level lists repeat it directly.
      if repeated.field.isGroup && repeated.children.count == 1 && repeated.field.logicalType == nil
        && !(repeated.field.name == "array" || repeated.field.name == "\(field.name)_tuple")
      {
        return .list(repeated: repeated, element: repeated.children[0])
      }
      return .list(repeated: repeated, element: repeated)
    }
    return .struct
  }

  /// Top-level nodes of `schema`.
  static func roots(of schema: ParquetSchema) throws -> [SchemaNode] {
    var next = 0
    var roots: [SchemaNode] = []
    for field in schema.fields {
      let node = try SchemaNode(
        field: field, firstLeaf: next, parentDefinition: 0, parentRepetition: 0)
      next += node.leafCount
      roots.append(node)
    }
    return roots
  }
}
