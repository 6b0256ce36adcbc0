/// One line of a Delta commit file.
public enum DeltaAction: Sendable, Hashable {
  case add(AddFile)
  case remove(RemoveFile)
  case metadata(TableMetadata)
  case tableProtocol(TableProtocol)
  case transaction(AppTransaction)
  /// Provenance of the commit (timestamp, operation, engine); free-form.
  case commitInfo([String: JSONValue])
}
