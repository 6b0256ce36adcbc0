/// One node of a Parquet schema: a primitive leaf (`physicalType != nil`) or a group of
/// child fields. The static constructors build the shapes other tools expect (standard
/// 3-level LIST, MAP with a repeated `key_value` group) so callers need not know them.
public struct ParquetField: Sendable, Hashable {
  public var name: String
  public var repetition: ParquetRepetition
  /// The storage type of a leaf; nil for a group.
  public var physicalType: ParquetPhysicalType?
  public var logicalType: ParquetLogicalType?
  /// Byte width of a FIXED_LEN_BYTE_ARRAY leaf.
  public var typeLength: Int32?
  public var children: [ParquetField]

  public var isGroup: Bool { physicalType == nil }

  /// A primitive leaf.
  public init(
    name: String, physicalType: ParquetPhysicalType, logicalType: ParquetLogicalType? = nil,
    repetition: ParquetRepetition = .required, typeLength: Int32? = nil
  ) {
    self.name = name
    self.repetition = repetition
    self.physicalType = physicalType
    self.logicalType = logicalType
    self.typeLength = typeLength
    self.children = []
  }

  /// A group (struct) of `children`.
  public init(
    group name: String, repetition: ParquetRepetition = .optional,
    logicalType: ParquetLogicalType? = nil, children: [ParquetField]
  ) {
    self.name = name
    self.repetition = repetition
    self.physicalType = nil
    self.logicalType = logicalType
    self.typeLength = nil
    self.children = children
  }

  private static func repetition(_ nullable: Bool) -> ParquetRepetition {
    nullable ? .optional : .required
  }

  public static func boolean(_ name: String, nullable: Bool = false) -> ParquetField {
    ParquetField(name: name, physicalType: .boolean, repetition: repetition(nullable))
  }

  public static func int32(_ name: String, nullable: Bool = false) -> ParquetField {
    ParquetField(name: name, physicalType: .int32, repetition: repetition(nullable))
  }

  public static func int64(_ name: String, nullable: Bool = false) -> ParquetField {
    ParquetField(name: name, physicalType: .int64, repetition: repetition(nullable))
  }

  public static func double(_ name: String, nullable: Bool = false) -> ParquetField {
    ParquetField(name: name, physicalType: .double, repetition: repetition(nullable))
  }

  /// UTF-8 text: BYTE_ARRAY annotated STRING (Arrow `string`).
  public static func string(_ name: String, nullable: Bool = false) -> ParquetField {
    ParquetField(
      name: name, physicalType: .byteArray, logicalType: .string, repetition: repetition(nullable))
  }

  /// Raw bytes: BYTE_ARRAY without annotation (Arrow `binary`).
  public static func binary(_ name: String, nullable: Bool = false) -> ParquetField {
    ParquetField(name: name, physicalType: .byteArray, repetition: repetition(nullable))
  }

  /// Microseconds since the epoch, UTC: INT64 annotated TIMESTAMP(true, MICROS)
  /// (Arrow `timestamp[us, tz=UTC]`, Delta `timestamp`).
  public static func timestampMicros(_ name: String, nullable: Bool = false) -> ParquetField {
    ParquetField(
      name: name, physicalType: .int64,
      logicalType: .timestamp(isAdjustedToUTC: true, unit: .micros),
      repetition: repetition(nullable))
  }

  /// A struct of `children`.
  public static func group(_ name: String, nullable: Bool = true, _ children: [ParquetField])
    -> ParquetField
  {
    ParquetField(group: name, repetition: repetition(nullable), children: children)
  }

  /// The standard MAP: `<name> (MAP) { repeated group key_value { required key; value } }`.
  public static func map(
    _ name: String, key: ParquetField, value: ParquetField, nullable: Bool = true
  ) -> ParquetField {
    var key = key
    key.name = "key"
    key.repetition = .required
    var value = value
    value.name = "value"
    let entries = ParquetField(group: "key_value", repetition: .repeated, children: [key, value])
    return ParquetField(
      group: name, repetition: repetition(nullable), logicalType: .map, children: [entries])
  }

  /// `map<string, string>` with nullable values, as Delta uses for partitionValues and tags.
  public static func stringMap(_ name: String, nullable: Bool = true) -> ParquetField {
    map(name, key: .string("key"), value: .string("value", nullable: true), nullable: nullable)
  }

  /// The standard 3-level LIST: `<name> (LIST) { repeated group list { element } }`.
  public static func list(_ name: String, element: ParquetField, nullable: Bool = true)
    -> ParquetField
  {
    var element = element
    element.name = "element"
    let entries = ParquetField(group: "list", repetition: .repeated, children: [element])
    return ParquetField(
      group: name, repetition: repetition(nullable), logicalType: .list, children: [entries])
  }

  /// `list<string>` with nullable elements.
  public static func stringList(_ name: String, nullable: Bool = true) -> ParquetField {
    list(name, element: .string("element", nullable: true), nullable: nullable)
  }
}
