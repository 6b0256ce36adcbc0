/// A leaf column: where it sits in the tree and how many levels it carries.
public struct ParquetColumnDescriptor: Sendable, Hashable {
  public let path: [String]
  public let physicalType: ParquetPhysicalType
  public let logicalType: ParquetLogicalType?
  public let typeLength: Int32?
  /// The leaf's own repetition.
  public let repetition: ParquetRepetition
  public let maxDefinitionLevel: Int
  public let maxRepetitionLevel: Int

  /// The dotted path, e.g. `add.partitionValues.key_value.key`.
  public var name: String { path.joined(separator: ".") }
}
