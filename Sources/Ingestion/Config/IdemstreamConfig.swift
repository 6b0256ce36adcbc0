import Foundation
import Yams

/// The service configuration (docs/reference.md, "Configuration"), loaded from YAML and validated as a whole
/// before anything starts: every error names the file, the line and the fix.
public struct IdemstreamConfig: Sendable, Hashable {
  /// Default `max_record_bytes`: the contract's 1 MiB record size limit.
  public static let defaultMaxRecordBytes = 1 << 20

  public var kafka: KafkaSettings
  /// `data_dir`: as written by `parse`; `load` makes a relative one relative to the config
  /// file's directory, so that a config means the same data dir from any working directory.
  public var dataDir: String
  public var online: OnlineSettings
  public var offline: OfflineSettings
  public var dedup: DedupSettings
  public var validation: ValidationSettings
  public var log: LogSettings
  /// Feature groups in file order; `FeatureWrite.groupIndex` indexes this array.
  public var featureGroups: [FeatureGroup]
  /// Record values larger than this are dead-lettered.
  public var maxRecordBytes: Int

  public init(
    kafka: KafkaSettings, dataDir: String = "./data", online: OnlineSettings = OnlineSettings(),
    offline: OfflineSettings = OfflineSettings(),
    dedup: DedupSettings = DedupSettings(), validation: ValidationSettings = ValidationSettings(),
    log: LogSettings = LogSettings(), featureGroups: [FeatureGroup],
    maxRecordBytes: Int = IdemstreamConfig.defaultMaxRecordBytes
  ) {
    self.kafka = kafka
    self.dataDir = dataDir
    self.online = online
    self.offline = offline
    self.dedup = dedup
    self.validation = validation
    self.log = log
    self.featureGroups = featureGroups
    self.maxRecordBytes = maxRecordBytes
  }

  /// Reads and validates the YAML file at `path`.
  public static func load(path: String) throws(ConfigError) -> IdemstreamConfig {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw ConfigError(
        file: path, line: 0, problem: "cannot read the file (\(error.localizedDescription))",
        fix: "check the path given to --config")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigError(
        file: path, line: 0, problem: "the file is not UTF-8 text", fix: "save it as UTF-8")
    }
    var config = try parse(yaml: text, fileName: path)
    let configDirectory = URL(fileURLWithPath: path).deletingLastPathComponent()
    config.dataDir =
      URL(fileURLWithPath: config.dataDir, relativeTo: configDirectory)
      .standardizedFileURL.path
    return config
  }

  /// Validates YAML text; `fileName` is what error messages call it.
  public static func parse(yaml: String, fileName: String = "config.yaml") throws(ConfigError)
    -> IdemstreamConfig
  {
    try ConfigReader(fileName: fileName).read(yaml: yaml)
  }

  /// The feature group called `name`.
  public func featureGroup(named name: String) -> FeatureGroup? {
    featureGroups.first { $0.name == name }
  }
}
