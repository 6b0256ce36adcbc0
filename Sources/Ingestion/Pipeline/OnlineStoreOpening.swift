import Foundation
import OnlineStore
import PostgresOnlineStore

/// Opens the online store the config names, so that nothing above this knows which
/// backend it writes to: the embedded SQLite store under `data_dir/online` when `online.url`
/// is left out, else PostgreSQL.
struct OpenedOnlineStore {
  let store: any OnlineStore
  /// The data-dir lock, held by a writer of PostgreSQL (the embedded store holds its own):
  /// the data dir still holds the offline tables, which one process writes at a time, and
  /// the PostgreSQL schema is the data dir's partner, so the lock guards both.
  let lock: DataDirectoryLock?

  init(
    config: IdemstreamConfig, schemas: [OnlineTableSchema]? = nil, access: OnlineStoreAccess
  ) throws {
    let schemas = schemas ?? config.featureGroups.map(\.onlineSchema)
    guard let location = config.online.postgres else {
      store = try SQLiteOnlineStore(
        dataDirectory: config.dataDir, schemas: schemas, access: access)
      lock = nil
      return
    }
    var lock: DataDirectoryLock?
    if access == .readWrite {
      let directory = config.dataDir + "/online"
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
      lock = try DataDirectoryLock(path: directory + "/online.lock")
    }
    store = try PostgresOnlineStore(
      location: location, namespace: config.kafka.groupID, schemas: schemas, access: access)
    self.lock = lock
  }
}
