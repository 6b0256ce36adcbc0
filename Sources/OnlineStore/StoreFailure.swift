/// An error that knows whether trying again can help. The committer retries a failed commit
/// with backoff (the batch stays in hand), which is right for a dropped connection or a full
/// disk and wrong for a refused password or a missing database: retrying those only hides
/// the reason behind an endless log. A store whose errors conform says which is which;
/// errors that do not conform are retried.
public protocol ClassifiedStoreError: Error {
  /// True when the same call will fail again until someone changes the config or the server.
  var isPermanent: Bool { get }
}
