import Foundation

/// The data dir `demo` writes: new, empty, or a previous demo's. A previous demo's is known
/// by the marker file the demo leaves in it, so that `demo --data-dir` pointed at a
/// directory of something else (a typo, a real data dir) refuses instead of deleting it.
enum DemoDirectory {
  static let markerName = ".idemstream-demo"

  /// Makes `path` an empty directory holding the marker, clearing a previous demo's first;
  /// refuses a file, and a directory that is neither empty nor a previous demo's.
  static func prepare(_ path: String) throws -> URL {
    let directory = URL(fileURLWithPath: path).standardizedFileURL
    let files = FileManager.default
    var isDirectory: ObjCBool = false
    if files.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw CommandFailure(
          "demo: \(directory.path) is a file, not a directory — give --data-dir a new or "
            + "empty directory")
      }
      let entries = try files.contentsOfDirectory(atPath: directory.path)
      if entries.contains(markerName) {
        try files.removeItem(at: directory)
      } else if !entries.isEmpty {
        throw CommandFailure(
          "demo: refusing to clear \(directory.path): it is not empty and not a previous "
            + "demo's (no \(markerName) in it) — give --data-dir a new or empty directory, "
            + "or remove it yourself")
      }
    }
    try files.createDirectory(at: directory, withIntermediateDirectories: true)
    let marker = """
      Written by `idemstream demo`: the next `idemstream demo --data-dir` here clears this \
      directory.

      """
    try marker.write(
      to: directory.appendingPathComponent(markerName), atomically: true, encoding: .utf8)
    return directory
  }
}
