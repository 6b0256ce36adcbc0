import Foundation
import TestSupport
import XCTest

/// The install path of the README's two commands (`make deps`, `make venv`), run with shims
/// for `dpkg-query`, `apt-get`, `id`, `sudo` and `python3` first on `PATH`: every package is
/// reported removed (known to dpkg, not installed), and each shim records how it was called. CI's machine already has the packages,
/// so without these tests a broken install step would pass CI.
final class SetupTests: XCTestCase {
  static let aptPackages = [
    "librdkafka-dev", "libzstd-dev", "libsnappy-dev", "libsqlite3-dev", "pkg-config",
    "postgresql",
  ]

  /// The pinned PyPI packages, as the Makefile names them.
  static func pythonPackages() throws -> String {
    let makefile = try String(
      contentsOf: Python.packageRoot.appendingPathComponent("Makefile"), encoding: .utf8)
    let line = try XCTUnwrap(
      makefile.split(separator: "\n").first { $0.hasPrefix("PY_PACKAGES := ") })
    let packages = line.dropFirst("PY_PACKAGES := ".count)
    XCTAssertTrue(packages.contains("deltalake=="), "the venv pins deltalake")
    // As the shell passes them to pip: without the quotes that keep `moto[server]` from
    // being read as a glob.
    return packages.replacingOccurrences(of: "'", with: "")
  }

  /// A folder of shims and the log they write, one line per call.
  struct Shims {
    let folder: URL
    var log: URL { folder.appendingPathComponent("calls.log") }

    init(uid: Int, pythonHasVenvUntilInstalled: Bool = true, aptInstallsVenv: Bool = true) throws {
      folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "idemstream-shims-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      let log = folder.appendingPathComponent("calls.log").path
      let venvInstalled = folder.appendingPathComponent("python3-venv.installed").path
      // Every package as dpkg reports one removed with its config files left: known, not
      // installed (seen on a machine where `apt-get remove` left pkg-config so).
      try write(
        "dpkg-query",
        """
        echo "dpkg-query $*" >> \(log)
        printf 'deinstall ok config-files'
        exit 0
        """)
      try write("id", "if [ \"$1\" = -u ]; then echo \(uid); else /usr/bin/id \"$@\"; fi")
      try write(
        "sudo",
        """
        echo "sudo $*" >> \(log)
        exec "$@"
        """)
      try write(
        "apt-get",
        """
        echo "apt-get $* [DEBIAN_FRONTEND=$DEBIAN_FRONTEND uid=$(id -u)]" >> \(log)
        case " $* " in
          *" python3-venv "*) \(aptInstallsVenv ? "touch \(venvInstalled)" : ":") ;;
        esac
        exit 0
        """)
      // python3 -m venv DIR fails (as Debian's does without python3-venv) until the apt-get
      // shim has installed python3-venv; then it makes DIR/bin/pip, a shim of its own.
      try write(
        "python3",
        """
        echo "python3 $*" >> \(log)
        if [ "$1" = -m ] && [ "$2" = venv ]; then
          if \(pythonHasVenvUntilInstalled ? "[ ! -e \(venvInstalled) ]" : "false"); then
            echo "The virtual environment was not created successfully because ensurepip is not available." >&2
            mkdir -p "$3"; exit 1
          fi
          mkdir -p "$3/bin"
          printf '#!/bin/sh\\necho "pip $*" >> \(log)\\n' > "$3/bin/pip"
          chmod +x "$3/bin/pip"
          exit 0
        fi
        exit 2
        """)
    }

    private func write(_ name: String, _ body: String) throws {
      let url = folder.appendingPathComponent(name)
      try ("#!/bin/sh\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    func calls() throws -> [String] {
      guard FileManager.default.fileExists(atPath: log.path) else { return [] }
      return try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// `make TARGET ARGS...` in the package root with the shims first on PATH.
    func make(_ arguments: [String]) throws -> (status: Int32, output: String) {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments =
        ["make", "--no-print-directory", "-C", Python.packageRoot.path] + arguments
      var environment = ProcessInfo.processInfo.environment
      environment["PATH"] = folder.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
      environment.removeValue(forKey: "MAKEFLAGS")
      environment.removeValue(forKey: "DEBIAN_FRONTEND")
      process.environment = environment
      let output = Pipe()
      process.standardOutput = output
      process.standardError = output
      try process.run()
      let data = output.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
  }

  /// `make deps` as `uid`: every package is asked for, all six are installed in one
  /// `apt-get install -y`, with `DEBIAN_FRONTEND=noninteractive`, through sudo unless root.
  func assertDepsInstallsEveryPackage(uid: Int) throws {
    let shims = try Shims(uid: uid)
    defer { shims.remove() }
    let result = try shims.make(["deps"])
    XCTAssertEqual(result.status, 0, result.output)
    let packages = Self.aptPackages.joined(separator: " ")
    let sudo = "sudo env DEBIAN_FRONTEND=noninteractive apt-get"
    let expected = [
      uid == 0 ? nil : "\(sudo) update -qq",
      "apt-get update -qq [DEBIAN_FRONTEND=noninteractive uid=\(uid)]",
      uid == 0 ? nil : "\(sudo) install -y -qq \(packages)",
      "apt-get install -y -qq \(packages) [DEBIAN_FRONTEND=noninteractive uid=\(uid)]",
    ].compactMap { $0 }
    XCTAssertEqual(
      try shims.calls().filter { !$0.hasPrefix("dpkg-query ") }, expected, "uid \(uid)")
    XCTAssertEqual(
      try shims.calls().filter { $0.hasPrefix("dpkg-query ") },
      Self.aptPackages.map { "dpkg-query -W -f=${Status} \($0)" })
    XCTAssertTrue(result.output.contains("installing: \(packages)"), result.output)
  }

  func testDepsInstallsEveryMissingPackageAsRoot() throws {
    try assertDepsInstallsEveryPackage(uid: 0)
  }

  func testDepsInstallsThroughSudoWhenNotRoot() throws {
    try assertDepsInstallsEveryPackage(uid: 1000)
  }

  func testVenvInstallsPython3VenvWhenPythonCannotMakeOne() throws {
    for uid in [0, 1000] {
      let shims = try Shims(uid: uid)
      defer { shims.remove() }
      let venv = shims.folder.appendingPathComponent("venv").path
      let result = try shims.make(["venv", "VENV=\(venv)"])
      XCTAssertEqual(result.status, 0, result.output)
      let calls = try shims.calls().filter { !$0.hasPrefix("sudo ") }
      XCTAssertEqual(
        calls,
        [
          "python3 -m venv \(venv)",
          "dpkg-query -W -f=${Status} python3-venv",
          "apt-get update -qq [DEBIAN_FRONTEND=noninteractive uid=\(uid)]",
          "apt-get install -y -qq python3-venv [DEBIAN_FRONTEND=noninteractive uid=\(uid)]",
          "python3 -m venv \(venv)",
          "pip install -q --disable-pip-version-check \(try Self.pythonPackages())",
        ], "uid \(uid)")
      XCTAssertTrue(FileManager.default.fileExists(atPath: venv + "/.installed"))
      XCTAssertEqual(
        try shims.calls().contains { $0.hasPrefix("sudo ") }, uid != 0,
        "sudo is used exactly when not root")
    }
  }

  func testVenvThatCannotBeMadeIsNamedInOneLine() throws {
    let shims = try Shims(uid: 0, aptInstallsVenv: false)
    defer { shims.remove() }
    let venv = shims.folder.appendingPathComponent("venv").path
    let result = try shims.make(["venv", "VENV=\(venv)"])
    XCTAssertNotEqual(result.status, 0)
    XCTAssertTrue(
      result.output.contains(
        "cannot create \(venv): \(shims.folder.path)/python3 has no working venv module (on Debian: apt-get install python3-venv"
      ), result.output)
    XCTAssertFalse(FileManager.default.fileExists(atPath: venv), "no half-made venv is left")
  }
}
