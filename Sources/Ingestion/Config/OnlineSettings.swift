import PostgresOnlineStore

/// The `online:` section: where the online store lives.
public struct OnlineSettings: Sendable, Hashable {
  /// `online.url`: nil (absent or "") for the embedded SQLite store under `data_dir/online`,
  /// else the PostgreSQL database the store lives in.
  public var postgres: PostgresLocation?

  public init(postgres: PostgresLocation? = nil) {
    self.postgres = postgres
  }
}
