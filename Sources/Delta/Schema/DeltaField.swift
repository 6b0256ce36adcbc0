/// A column of a Delta table.
public struct DeltaField: Sendable, Hashable {
  public var name: String
  public var type: DeltaDataType
  public var nullable: Bool
  /// Column metadata (comments, generation expressions); kept as written.
  public var metadata: [String: JSONValue]

  public init(
    _ name: String, _ type: DeltaDataType, nullable: Bool = true,
    metadata: [String: JSONValue] = [:]
  ) {
    self.name = name
    self.type = type
    self.nullable = nullable
    self.metadata = metadata
  }
}
