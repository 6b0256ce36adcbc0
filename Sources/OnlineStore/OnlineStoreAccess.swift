/// Whether a store may write, for every backend. Read-only stores take no lock and create
/// nothing, so a command such as `online get` can read while the service runs.
public enum OnlineStoreAccess: Sendable {
  case readWrite
  case readOnly
  /// Read-only, and a schema with no table yet (a new group version) reads as an empty
  /// table instead of failing: what a dry run of the service sees.
  case readOnlyNewTablesEmpty
}
