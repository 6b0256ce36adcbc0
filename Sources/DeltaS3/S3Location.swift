import Foundation
import S3

/// `s3://bucket/prefix` and the settings to reach it, turned into table storages.
///
/// Clients are kept for the life of the process, one per endpoint, region and credentials:
/// every table of a service shares its connections, and a client is never dropped while a
/// table still reads through it.
public struct S3Location: Sendable, Equatable {
  public var bucket: String
  /// The prefix under which the tables lie (no leading or trailing `/`; may be empty).
  public var prefix: String
  public var endpoint: String
  public var region: String
  public var allowHTTP: Bool

  public init(bucket: String, prefix: String, endpoint: String, region: String, allowHTTP: Bool) {
    self.bucket = bucket
    var prefix = prefix
    while prefix.hasPrefix("/") { prefix.removeFirst() }
    while prefix.hasSuffix("/") { prefix.removeLast() }
    self.prefix = prefix
    self.endpoint = endpoint
    self.region = region
    self.allowHTTP = allowHTTP
  }

  /// Parses `s3://bucket[/prefix]`; nil when `url` is not of that form.
  public static func parse(
    _ url: String, endpoint: String, region: String, allowHTTP: Bool
  ) -> S3Location? {
    guard url.hasPrefix("s3://") else { return nil }
    let rest = url.dropFirst("s3://".count)
    let bucket = rest.prefix { $0 != "/" }
    guard !bucket.isEmpty else { return nil }
    return S3Location(
      bucket: String(bucket), prefix: String(rest.dropFirst(bucket.count)), endpoint: endpoint,
      region: region, allowHTTP: allowHTTP)
  }

  public var url: String { prefix.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(prefix)" }

  /// The storage of the table `name` under the prefix. Credentials come from
  /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` in `environment`.
  public func table(
    _ name: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> S3TableStorage {
    try root(environment: environment).child(name)
  }

  /// The storage of the prefix itself (to list the tables under it).
  public func root(environment: [String: String] = ProcessInfo.processInfo.environment) throws
    -> S3TableStorage
  {
    guard let credentials = S3Credentials.fromEnvironment(environment) else {
      throw S3Error(
        kind: .permanent, operation: "configure \(url)", status: nil, code: "NoCredentials",
        message: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN "
          + "for temporary credentials)")
    }
    let configuration = S3Configuration(
      endpoint: endpoint, region: region, allowHTTP: allowHTTP, credentials: credentials)
    return S3TableStorage(
      client: try Self.client(configuration), bucket: bucket, prefix: prefix)
  }

  /// The names of the tables directly under the prefix (each with a `_delta_log/`).
  public func tableNames(environment: [String: String] = ProcessInfo.processInfo.environment)
    throws -> [String]
  {
    let root = try root(environment: environment)
    var names = Set<String>()
    for object in try root.list(prefix: "") {
      let parts = object.key.split(separator: "/", maxSplits: 2)
      if parts.count >= 2, parts[1] == "_delta_log" { names.insert(String(parts[0])) }
    }
    return names.sorted()
  }

  private struct ClientKey: Hashable {
    var endpoint: String
    var region: String
    var allowHTTP: Bool
    var accessKeyID: String
    var secret: String
    var token: String?
  }

  private static let lock = NSLock()
  /// Guarded by `lock`.
  nonisolated(unsafe) private static var clients: [ClientKey: S3Client] = [:]

  private static func client(_ configuration: S3Configuration) throws -> S3Client {
    let key = ClientKey(
      endpoint: configuration.endpoint, region: configuration.region,
      allowHTTP: configuration.allowHTTP, accessKeyID: configuration.credentials.accessKeyID,
      secret: configuration.credentials.secretAccessKey,
      token: configuration.credentials.sessionToken)
    return try lock.withLock {
      if let client = clients[key] { return client }
      let client = try S3Client(configuration: configuration)
      clients[key] = client
      return client
    }
  }
}
