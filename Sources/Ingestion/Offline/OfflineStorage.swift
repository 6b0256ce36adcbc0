import Delta
import DeltaS3
import Foundation
import OnlineStore

/// Where the offline tables of a config are: `data_dir/offline` (no `offline.url`), a local
/// directory (`file:///dir`), or S3 (`s3://bucket/prefix`). Every table is opened through
/// the storage this gives, by the service and by every read tool alike.
enum OfflineStorage: CustomStringConvertible {
  case local(URL)
  case s3(S3Location)

  init(_ config: IdemstreamConfig) {
    let offline = config.offline
    if let location = S3Location.parse(
      offline.url, endpoint: offline.s3.endpoint, region: offline.s3.region,
      allowHTTP: offline.s3.allowHTTP)
    {
      self = .s3(location)
    } else if offline.url.hasPrefix("file://"), let url = URL(string: offline.url), url.isFileURL {
      self = .local(URL(fileURLWithPath: url.path))
    } else {
      self = .local(URL(fileURLWithPath: config.dataDir).appendingPathComponent("offline"))
    }
  }

  /// The storage of one table.
  func table(_ name: String) throws -> any TableStorage {
    switch self {
    case .local(let root): return LocalTableStorage(root: root.appendingPathComponent(name))
    case .s3(let location): return try location.table(name)
    }
  }

  /// The tables there are (directories, or prefixes with a `_delta_log/`).
  func tableNames() throws -> [String] {
    switch self {
    case .local(let root):
      return ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
    case .s3(let location): return try location.tableNames()
    }
  }

  var isLocal: Bool { if case .local = self { return true } else { return false } }

  var description: String {
    switch self {
    case .local(let root): return root.path
    case .s3(let location): return location.url
    }
  }
}

/// Whether a store's failure can pass by itself: a permanent one (refused credentials, a
/// missing bucket or database) stops the service with its reason instead of being retried
/// forever. Either store may say so: the online store's errors through
/// `ClassifiedStoreError`, the offline storage's through S3's own classification.
enum StoreFailure {
  static func isPermanent(_ error: any Error) -> Bool {
    if let classified = error as? any ClassifiedStoreError, classified.isPermanent { return true }
    return S3TableStorage.isPermanentFailure(error)
  }
}
