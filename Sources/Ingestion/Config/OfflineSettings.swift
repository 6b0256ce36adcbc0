/// The `offline:` section: where the Delta tables are, and when they are committed and
/// checkpointed.
public struct OfflineSettings: Sendable, Hashable {
  /// Where the tables are: empty for `data_dir/offline`, `s3://bucket/prefix`, or
  /// `file:///dir`.
  public var url: String = ""
  /// How to reach an `s3://` url.
  public var s3 = OfflineS3Settings()
  /// A commit happens at least this often while records flow.
  public var commitIntervalMillis: Int
  public var maxRowsPerCommit: Int
  /// A Delta checkpoint every this many versions.
  public var checkpointInterval: Int

  public init(
    commitIntervalMillis: Int = 5000, maxRowsPerCommit: Int = 500_000, checkpointInterval: Int = 10
  ) {
    self.commitIntervalMillis = commitIntervalMillis
    self.maxRowsPerCommit = maxRowsPerCommit
    self.checkpointInterval = checkpointInterval
  }
}

/// `offline.s3`: the endpoint, region and transport of an `s3://` offline url. Credentials
/// come from the standard `AWS_*` environment variables, never from the config.
public struct OfflineS3Settings: Sendable, Hashable {
  /// Empty: AWS itself (`https://s3.<region>.amazonaws.com`).
  public var endpoint: String = ""
  public var region: String = "us-east-1"
  /// Plain `http://` endpoints (MinIO or moto on a private network, tests).
  public var allowHTTP: Bool = false

  public init(endpoint: String = "", region: String = "us-east-1", allowHTTP: Bool = false) {
    self.endpoint = endpoint
    self.region = region
    self.allowHTTP = allowHTTP
  }
}
