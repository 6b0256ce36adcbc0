/// A `metaData` action: the table's identity, schema, partitioning and configuration.
public struct TableMetadata: Sendable, Hashable, Codable {
  /// The data file format (always Parquet in practice).
  public struct Format: Sendable, Hashable, Codable {
    public var provider: String
    public var options: [String: String]

    public init(provider: String = "parquet", options: [String: String] = [:]) {
      self.provider = provider
      self.options = options
    }

    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      provider = try container.decode(String.self, forKey: .provider)
      options = try container.decodeIfPresent([String: String].self, forKey: .options) ?? [:]
    }
  }

  /// Unique table id (a UUID), fixed at creation.
  public var id: String
  public var name: String?
  public var description: String?
  public var format: Format
  /// The schema as Spark's JSON struct type.
  public var schemaString: String
  public var partitionColumns: [String]
  /// Milliseconds since the epoch when the table was created.
  public var createdTime: Int64?
  public var configuration: [String: String]

  public init(
    id: String, name: String? = nil, description: String? = nil, format: Format = Format(),
    schemaString: String, partitionColumns: [String] = [], createdTime: Int64? = nil,
    configuration: [String: String] = [:]
  ) {
    self.id = id
    self.name = name
    self.description = description
    self.format = format
    self.schemaString = schemaString
    self.partitionColumns = partitionColumns
    self.createdTime = createdTime
    self.configuration = configuration
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    name = try container.decodeIfPresent(String.self, forKey: .name)
    description = try container.decodeIfPresent(String.self, forKey: .description)
    format = try container.decodeIfPresent(Format.self, forKey: .format) ?? Format()
    schemaString = try container.decode(String.self, forKey: .schemaString)
    partitionColumns = try container.decodeIfPresent([String].self, forKey: .partitionColumns) ?? []
    createdTime = try container.decodeIfPresent(Int64.self, forKey: .createdTime)
    // Some writers store null for unset configuration values; those mean "not set".
    let raw = try container.decodeIfPresent([String: String?].self, forKey: .configuration) ?? [:]
    configuration = raw.compactMapValues { $0 }
  }

  /// The parsed schema.
  public func schema() throws -> DeltaSchema { try DeltaSchema(sparkJSON: schemaString) }
}
