import Foundation

/// The ordered columns of a Delta table, convertible to and from Spark's JSON schema string.
public struct DeltaSchema: Sendable, Hashable {
  public var fields: [DeltaField]

  public init(_ fields: [DeltaField]) { self.fields = fields }

  /// The field named `name`, if any.
  public func field(named name: String) -> DeltaField? { fields.first { $0.name == name } }

  private struct SparkField: Codable {
    var name: String
    var type: JSONValue
    var nullable: Bool
    var metadata: [String: JSONValue]?
  }

  private struct SparkStruct: Codable {
    var type: String
    var fields: [SparkField]
  }

  /// Parses Spark's JSON struct type (the `schemaString` of `metaData`).
  public init(sparkJSON: String) throws {
    let parsed: SparkStruct
    do {
      parsed = try JSONDecoder().decode(SparkStruct.self, from: Data(sparkJSON.utf8))
    } catch {
      throw DeltaError.invalidSchema(reason: "not a Spark struct type: \(error)")
    }
    guard parsed.type == "struct" else {
      throw DeltaError.invalidSchema(reason: "top-level type is \(parsed.type), not struct")
    }
    fields = try parsed.fields.map { field in
      guard case .string(let typeName) = field.type else {
        throw DeltaError.unsupportedType(field: field.name, type: "nested")
      }
      guard let type = DeltaDataType(sparkName: typeName) else {
        throw DeltaError.unsupportedType(field: field.name, type: typeName)
      }
      return DeltaField(field.name, type, nullable: field.nullable, metadata: field.metadata ?? [:])
    }
    var seen = Set<String>()
    for field in fields where !seen.insert(field.name.lowercased()).inserted {
      throw DeltaError.invalidSchema(reason: "duplicate column \(field.name)")
    }
  }

  /// Spark's JSON struct type, as written into `metaData.schemaString`.
  public func sparkJSON() -> String {
    let spark = SparkStruct(
      type: "struct",
      fields: fields.map {
        SparkField(
          name: $0.name, type: .string($0.type.sparkName), nullable: $0.nullable,
          metadata: $0.metadata)
      })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    // Encoding plain strings, booleans and JSON values cannot fail.
    let data = (try? encoder.encode(spark)) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  /// This schema with `added` appended, checking that existing data stays readable:
  /// new columns must be nullable (old files lack them) and names must be new.
  public func adding(_ added: [DeltaField]) throws -> DeltaSchema {
    var result = self
    for field in added {
      guard field.nullable else {
        throw DeltaError.invalidSchemaChange(reason: "new column \(field.name) must be nullable")
      }
      guard result.field(named: field.name) == nil,
        !result.fields.contains(where: { $0.name.lowercased() == field.name.lowercased() })
      else {
        throw DeltaError.invalidSchemaChange(reason: "column \(field.name) already exists")
      }
      result.fields.append(field)
    }
    return result
  }
}
