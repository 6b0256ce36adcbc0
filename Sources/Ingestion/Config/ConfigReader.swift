import PostgresOnlineStore
import Yams

/// Walks the composed YAML node tree (which keeps mapping order and source marks) and builds
/// an `IdemstreamConfig`, turning every problem into a `ConfigError` at the right line.
struct ConfigReader {
  let fileName: String

  static let topLevelKeys = [
    "kafka", "data_dir", "online", "offline", "dedup", "validation", "log", "feature_groups",
    "max_record_bytes",
  ]

  func read(yaml: String) throws(ConfigError) -> IdemstreamConfig {
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch {
      throw yamlError(error)
    }
    guard let root else {
      throw ConfigError(
        file: fileName, line: 1, problem: "the file is empty",
        fix: "add at least kafka.topics and feature_groups")
    }
    let members = try members(of: root, in: "the top level", allowed: ConfigReader.topLevelKeys)
    guard let kafkaNode = members["kafka"] else {
      throw failure(
        root, "missing section 'kafka'", fix: "add kafka: with at least topics: [your-topic]")
    }
    guard let groupsNode = members["feature_groups"] else {
      throw failure(
        root, "missing section 'feature_groups'", fix: "declare at least one feature group")
    }
    let groups = try GroupsReader(reader: self).readGroups(groupsNode.value)
    var config = IdemstreamConfig(
      kafka: try readKafka(kafkaNode.value, groups: groups), featureGroups: groups.map(\.group))
    if let node = members["data_dir"] {
      config.dataDir = try string(
        node.value, "data_dir", fix: "give a directory path, e.g. data_dir: ./data")
    }
    if let node = members["online"] { config.online = try readOnline(node.value) }
    if let node = members["offline"] { config.offline = try readOffline(node.value) }
    if let node = members["dedup"] { config.dedup = try readDedup(node.value) }
    if let node = members["validation"] { config.validation = try readValidation(node.value) }
    if let node = members["log"] { config.log = try readLog(node.value) }
    if let node = members["max_record_bytes"] {
      config.maxRecordBytes = try integer(node.value, "max_record_bytes", range: 1...(1 << 30))
    }
    return config
  }

  // MARK: Sections

  private func readKafka(_ node: Node, groups: [GroupsReader.ReadGroup]) throws(ConfigError)
    -> KafkaSettings
  {
    let members = try members(
      of: node, in: "kafka",
      allowed: [
        "bootstrap_servers", "topics", "group_id", "instance_id", "settings", "topic_groups",
        "connect_timeout",
      ])
    guard let topicsNode = members["topics"] else {
      throw failure(
        node, "kafka.topics is missing", fix: "list the topics to consume, e.g. topics: [features]")
    }
    var kafka = KafkaSettings(topics: try readTopics(topicsNode.value))
    if let server = members["bootstrap_servers"], !isNull(server.value) {
      let fix = "give host:port (e.g. broker:9092), or leave the key out for the embedded broker"
      let text = try string(server.value, "kafka.bootstrap_servers", fix: fix)
      // An empty value is a mistake (a template's unset variable, say), not a request for
      // the embedded broker: that would ingest from a broker nobody produces to.
      guard !text.trimmingCharactersInWhitespace().isEmpty else {
        throw failure(server.value, "kafka.bootstrap_servers is empty", fix: fix)
      }
      kafka.bootstrapServers = text
    }
    if let timeout = members["connect_timeout"] {
      let fix = "write a number and a unit, e.g. connect_timeout: 30s (500ms, 45s, 2m)"
      let text = try string(timeout.value, "kafka.connect_timeout", fix: fix)
      guard let millis = DurationParser.millis(text) else {
        throw failure(timeout.value, "kafka.connect_timeout '\(text)' is not a duration", fix: fix)
      }
      guard millis > 0 else {
        throw failure(timeout.value, "kafka.connect_timeout must be longer than zero", fix: fix)
      }
      kafka.connectTimeoutMillis = millis
    }
    if let groupID = members["group_id"] {
      kafka.groupID = try string(
        groupID.value, "kafka.group_id", fix: "give the consumer group id, e.g. idemstream")
      guard !kafka.groupID.isEmpty else {
        throw failure(
          groupID.value, "kafka.group_id is empty",
          fix: "give the consumer group id, e.g. idemstream")
      }
    }
    if let instance = members["instance_id"], !isNull(instance.value) {
      kafka.instanceID = try string(
        instance.value, "kafka.instance_id", fix: "give an id, or \"\" for the host name")
    }
    if let settings = members["settings"], !isNull(settings.value) {
      for (key, value) in try stringMap(settings.value, "kafka.settings") {
        kafka.settings[key] = value.text
      }
    }
    if let bindings = members["topic_groups"], !isNull(bindings.value) {
      for (topic, binding) in try stringMap(bindings.value, "kafka.topic_groups") {
        guard kafka.topics.contains(topic) else {
          throw failure(
            binding.keyNode, "kafka.topic_groups binds '\(topic)', which is not in kafka.topics",
            fix: "add it to topics or remove the binding")
        }
        guard groups.contains(where: { $0.group.name == binding.text }) else {
          let names = groups.map(\.group.name).joined(separator: ", ")
          throw failure(
            binding.valueNode,
            "kafka.topic_groups binds '\(topic)' to unknown group '\(binding.text)'",
            fix: "use one of the feature_groups: \(names)")
        }
        kafka.topicGroups[topic] = binding.text
      }
    }
    return kafka
  }

  private func readTopics(_ node: Node) throws(ConfigError) -> [String] {
    guard case .sequence(let sequence) = node else {
      throw failure(
        node, "kafka.topics must be a list of topic names", fix: "write it as topics: [features]")
    }
    var topics: [String] = []
    for item in sequence {
      let topic = try string(item, "a topic in kafka.topics", fix: "write topic names as strings")
      guard !topic.isEmpty else {
        throw failure(item, "empty topic name", fix: "remove it or name the topic")
      }
      guard !topics.contains(topic) else {
        throw failure(item, "topic '\(topic)' is listed twice", fix: "list each topic once")
      }
      topics.append(topic)
    }
    guard !topics.isEmpty else {
      throw failure(
        node, "kafka.topics is empty", fix: "list at least one topic, e.g. topics: [features]")
    }
    return topics
  }

  /// `online.url`: absent, null or "" is the embedded store; a postgres:// URL is
  /// PostgreSQL; anything else is refused here, before anything connects.
  private func readOnline(_ node: Node) throws(ConfigError) -> OnlineSettings {
    let members = try members(of: node, in: "online", allowed: ["url"])
    guard let url = members["url"], !isNull(url.value) else { return OnlineSettings() }
    let fix = "write postgres://user:password@host:5432/database, or \"\" for the embedded store"
    let text = try string(url.value, "online.url", fix: fix)
    guard !text.isEmpty else { return OnlineSettings() }
    do {
      return OnlineSettings(postgres: try PostgresLocation(url: text))
    } catch {
      throw failure(url.value, error.problem, fix: error.fix)
    }
  }

  private func readOffline(_ node: Node) throws(ConfigError) -> OfflineSettings {
    var offline = OfflineSettings()
    let members = try members(
      of: node, in: "offline",
      allowed: ["url", "s3", "commit_interval_ms", "max_rows_per_commit", "checkpoint_interval"])
    try readOfflineLocation(members, into: &offline)
    if let value = members["commit_interval_ms"] {
      offline.commitIntervalMillis = try integer(
        value.value, "offline.commit_interval_ms", range: 1...86_400_000)
    }
    if let value = members["max_rows_per_commit"] {
      offline.maxRowsPerCommit = try integer(
        value.value, "offline.max_rows_per_commit", range: 1...100_000_000)
    }
    if let value = members["checkpoint_interval"] {
      offline.checkpointInterval = try integer(
        value.value, "offline.checkpoint_interval", range: 1...1_000_000)
    }
    return offline
  }

  private func readDedup(_ node: Node) throws(ConfigError) -> DedupSettings {
    var dedup = DedupSettings()
    let members = try members(
      of: node, in: "dedup", allowed: ["window", "max_clock_step", "prune_interval"])
    let fix = "write a number and a unit: 500ms, 45s, 30m, 12h or 7d"
    for (name, keyPath) in [
      ("window", \DedupSettings.windowMillis), ("max_clock_step", \.maxClockStepMillis),
    ] {
      guard let member = members[name] else { continue }
      let text = try string(member.value, "dedup.\(name)", fix: fix)
      guard let millis = DurationParser.millis(text) else {
        throw failure(member.value, "dedup.\(name) '\(text)' is not a duration", fix: fix)
      }
      guard millis > 0 else {
        throw failure(member.value, "dedup.\(name) must be longer than zero", fix: fix)
      }
      dedup[keyPath: keyPath] = millis
    }
    if let value = members["prune_interval"] {
      dedup.pruneIntervalCommits = try integer(
        value.value, "dedup.prune_interval", range: 1...1_000_000)
    }
    return dedup
  }

  private func readValidation(_ node: Node) throws(ConfigError) -> ValidationSettings {
    let members = try members(of: node, in: "validation", allowed: ["max_event_time_ahead"])
    guard let ahead = members["max_event_time_ahead"] else { return ValidationSettings() }
    let fix = "write a number and a unit (500ms, 45s, 30m, 12h or 7d), or 0 to turn the check off"
    let text = try string(ahead.value, "validation.max_event_time_ahead", fix: fix)
    guard let millis = text == "0" ? 0 : DurationParser.millis(text), millis >= 0 else {
      throw failure(
        ahead.value, "validation.max_event_time_ahead '\(text)' is not a duration", fix: fix)
    }
    return ValidationSettings(maxEventTimeAheadMillis: millis)
  }

  private func readLog(_ node: Node) throws(ConfigError) -> LogSettings {
    let members = try members(of: node, in: "log", allowed: ["summary_interval"])
    guard let interval = members["summary_interval"] else { return LogSettings() }
    let fix = "write a number and a unit (500ms, 45s, 30m, 12h or 7d), or 0 to turn the line off"
    let text = try string(interval.value, "log.summary_interval", fix: fix)
    guard let millis = text == "0" ? 0 : DurationParser.millis(text), millis >= 0 else {
      throw failure(interval.value, "log.summary_interval '\(text)' is not a duration", fix: fix)
    }
    return LogSettings(summaryIntervalMillis: millis)
  }

  // MARK: Node helpers

  /// A mapping's members by key, after checking that every key is one of `allowed`.
  func members(of node: Node, in section: String, allowed: [String]) throws(ConfigError)
    -> [String: (keyNode: Node, value: Node)]
  {
    guard case .mapping(let mapping) = node else {
      throw failure(
        node, "\(section) must be a mapping",
        fix: "write it as key: value lines (\(allowed.joined(separator: ", ")))")
    }
    var result: [String: (keyNode: Node, value: Node)] = [:]
    for (keyNode, value) in mapping {
      guard case .scalar(let scalar) = keyNode else {
        throw failure(
          keyNode, "a key in \(section) is not a plain name",
          fix: "use one of \(allowed.joined(separator: ", "))")
      }
      guard allowed.contains(scalar.string) else {
        throw failure(
          keyNode, "unknown key '\(scalar.string)' in \(section)",
          fix: "use one of \(allowed.joined(separator: ", "))")
      }
      result[scalar.string] = (keyNode, value)
    }
    return result
  }

  /// A mapping of names to scalar values, in file order.
  func stringMap(_ node: Node, _ path: String) throws(ConfigError)
    -> [(String, (text: String, keyNode: Node, valueNode: Node))]
  {
    guard case .mapping(let mapping) = node else {
      throw failure(node, "\(path) must be a mapping", fix: "write it as name: value lines, or {}")
    }
    var result: [(String, (text: String, keyNode: Node, valueNode: Node))] = []
    for (keyNode, value) in mapping {
      let key = try string(keyNode, "a key in \(path)", fix: "use plain names as keys")
      let text = try string(
        value, "\(path).\(key)", fix: "give a plain value (quote it if in doubt)")
      result.append((key, (text, keyNode, value)))
    }
    return result
  }

  func isNull(_ node: Node) -> Bool {
    if case .scalar(let scalar) = node, scalar.style == .plain, node.null != nil { return true }
    return false
  }

  /// A scalar's text; a mapping, a list or null is an error.
  func string(_ node: Node, _ path: String, fix: String) throws(ConfigError) -> String {
    guard case .scalar(let scalar) = node, !isNull(node) else {
      throw failure(node, "\(path) must be a single value, not \(kind(of: node))", fix: fix)
    }
    return scalar.string
  }

  func integer(_ node: Node, _ path: String, range: ClosedRange<Int>) throws(ConfigError) -> Int {
    let fix = "give a whole number from \(range.lowerBound) to \(range.upperBound)"
    guard case .scalar = node, let value = node.int else {
      throw failure(node, "\(path) must be a whole number, not \(kind(of: node))", fix: fix)
    }
    guard range.contains(value) else {
      throw failure(node, "\(path) is \(value), out of range", fix: fix)
    }
    return value
  }

  func kind(of node: Node) -> String {
    switch node {
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    case .scalar(let scalar): return isNull(node) ? "null" : "'\(scalar.string)'"
    }
  }

  func failure(_ node: Node, _ problem: String, fix: String) -> ConfigError {
    ConfigError(file: fileName, line: node.mark?.line ?? 0, problem: problem, fix: fix)
  }

  private func yamlError(_ error: any Error) -> ConfigError {
    let fix = "fix the YAML syntax"
    guard let yaml = error as? YamlError else {
      return ConfigError(file: fileName, line: 0, problem: "\(error)", fix: fix)
    }
    switch yaml {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return ConfigError(
        file: fileName, line: mark.line, problem: "invalid YAML: \(problem)", fix: fix)
    case .duplicatedKeysInMapping(let duplicates, let context):
      return ConfigError(
        file: fileName, line: context.mark.line,
        problem: "key '\(duplicates.joined(separator: "', '"))' appears twice in one mapping",
        fix: "keep one of them")
    default:
      return ConfigError(file: fileName, line: 0, problem: "invalid YAML: \(yaml)", fix: fix)
    }
  }
}
