import Foundation
import Yams

// Reading YAML through Yams' node tree rather than Codable, so that every
// problem can name the line of the key or value it is about.

enum YAMLDocument {
    case node(Node)
    case empty
    /// Not YAML at all; the problem is already reported.
    case broken
}

/// Composes `text`, whose first line is line `problems.lineOffset + 1` of the file.
func composeYAML(_ text: String, problems: inout FileProblems) -> YAMLDocument {
    do {
        // The basic resolver tags no scalar by pattern (that took a regular expression per scalar):
        // the readers below parse numbers and flags themselves. Naming the encoding spares Yams
        // reading the whole process environment (for YAMS_DEFAULT_ENCODING) on every file.
        guard let node = try Yams.compose(yaml: text, .basic, .default, .utf8) else { return .empty }
        return .node(node)
    } catch let error as YamlError {
        let offset = problems.lineOffset
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "not valid YAML: \(problem)"
            if let context { message += " (\(context.text) on line \(context.mark.line + offset))" }
            if problem.contains("mapping values are not allowed") {
                message += "; a text containing \": \" needs quotes around it"
            }
            problems.error(mark.line + offset, message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            problems.error(context.mark.line + offset, "the key \(keys) appears twice in the same mapping")
        default:
            problems.error(1 + offset, "not valid YAML: \(error)")
        }
        return .broken
    } catch {
        problems.error(1 + problems.lineOffset, "not valid YAML: \(error)")
        return .broken
    }
}

/// The file line of a node.
func line(of node: Node, _ problems: FileProblems) -> Int {
    (node.mark?.line ?? 1) + problems.lineOffset
}

/// A YAML mapping whose keys have been checked against the ones allowed, read
/// one typed value at a time. Each reader reports what is missing or
/// mistyped, naming the mapping as `what` ("the front matter", "question
/// \"rc-count\""), and returns nil in that case.
struct YAMLMapping {
    var what: String
    /// The file line where the mapping starts.
    let line: Int
    /// In the mapping's order. A mapping has a handful of keys, and Yams refuses a repeated one,
    /// so a list searched from the front is quicker than hashing every key.
    private var keys: [String] = []
    private var keyLines: [Int] = []
    private var values: [Node] = []

    init?(_ node: Node, what: String, keys allowed: [String], problems: inout FileProblems) {
        self.what = what
        self.line = Course.line(of: node, problems)
        guard case .mapping(let mapping) = node else {
            problems.error(line, "\(what) must be a set of `key: value` lines")
            return nil
        }
        for (key, value) in mapping {
            let keyLine = Course.line(of: key, problems)
            guard case .scalar(let scalar) = key else {
                problems.error(keyLine, "a key of \(what) must be a plain word")
                continue
            }
            guard allowed.contains(scalar.string) else {
                problems.error(keyLine, "unknown key `\(scalar.string)` in \(what); the keys are \(allowed.joined(separator: ", "))")
                continue
            }
            keys.append(scalar.string)
            keyLines.append(keyLine)
            values.append(value)
        }
    }

    func has(_ key: String) -> Bool { keys.contains(key) }

    /// The line of `key`, or of the mapping when the key is absent.
    func line(_ key: String) -> Int { keys.firstIndex(of: key).map { keyLines[$0] } ?? line }

    var presentKeys: [String] { keys.indices.sorted { keyLines[$0] < keyLines[$1] }.map { keys[$0] } }

    /// The value of `key`, reporting its absence when it is required.
    func value(_ key: String, required: Bool, problems: inout FileProblems) -> Node? {
        guard let index = keys.firstIndex(of: key), !isNull(values[index]) else {
            if required {
                if has(key) {
                    problems.error(line(key), "`\(key)` of \(what) is empty")
                } else {
                    problems.error(line, "\(what) has no `\(key):`")
                }
            }
            return nil
        }
        return values[index]
    }

    /// A text value, trimmed; an empty one counts as missing.
    func text(_ key: String, required: Bool = true, problems: inout FileProblems) -> String? {
        guard let node = value(key, required: required, problems: &problems) else { return nil }
        guard case .scalar(let scalar) = node else {
            problems.error(line(key), "`\(key)` of \(what) must be text, not a list or mapping")
            return nil
        }
        let text = scalar.string.trimmingWhitespaceAndNewlines()
        if text.isEmpty {
            problems.error(line(key), "`\(key)` of \(what) is empty")
            return nil
        }
        return text
    }

    /// An integer; `expected` completes "must be …" when it is not one.
    func wholeNumber(_ key: String, required: Bool = true, expected: String, problems: inout FileProblems) -> Int? {
        guard let node = value(key, required: required, problems: &problems) else { return nil }
        guard case .scalar(let scalar) = node, let number = Self.wholeNumber(scalar) else {
            problems.error(line(key), "`\(key)` must be \(expected), not \(quoted(describe(node)))")
            return nil
        }
        return number
    }

    /// A finite number, written as an integer or a decimal.
    func number(_ key: String, required: Bool = true, expected: String, problems: inout FileProblems) -> Double? {
        guard let node = value(key, required: required, problems: &problems) else { return nil }
        guard case .scalar(let scalar) = node, let number = Self.number(scalar), number.isFinite else {
            problems.error(line(key), "`\(key)` must be \(expected), not \(quoted(describe(node)))")
            return nil
        }
        return number
    }

    func flag(_ key: String, required: Bool = true, problems: inout FileProblems) -> Bool? {
        guard let node = value(key, required: required, problems: &problems) else { return nil }
        guard case .scalar(let scalar) = node, let flag = Self.flag(scalar) else {
            problems.error(line(key), "`\(key)` must be true or false, not \(quoted(describe(node)))")
            return nil
        }
        return flag
    }

    /// A list, written `[a, b]` or as `- ` lines.
    func list(_ key: String, required: Bool = true, problems: inout FileProblems) -> [Node]? {
        guard let node = value(key, required: required, problems: &problems) else { return nil }
        guard case .sequence(let sequence) = node else {
            problems.error(line(key), "`\(key)` of \(what) must be a list (lines starting with `- `)")
            return nil
        }
        return Array(sequence)
    }

    /// `Int.construct(from:)` of Yams (YAML 1.1: signs, `_`, 0x, 0o, 0b, octal 0…, base 60), whose
    /// Foundation string searches cost more than the rest of a quiz entry: a plain run of digits,
    /// the common case, is read directly, with the same result.
    private static func wholeNumber(_ scalar: Node.Scalar) -> Int? {
        guard scalar.style == .plain || scalar.style == .any else { return nil }
        let digits = scalar.string.utf8.drop { $0 == 0x2B || $0 == 0x2D }   // + -
        let isPlainDecimal = scalar.string.utf8.count - digits.count <= 1 && digits.allSatisfy { (0x30...0x39).contains($0) }
            && (digits.first.map { $0 != 0x30 } ?? false || scalar.string == "0")
        return isPlainDecimal ? Int(scalar.string) : Int.construct(from: scalar)
    }

    /// `Double.construct(from:)` of Yams, read directly when the text is only digits, a point and a sign.
    private static func number(_ scalar: Node.Scalar) -> Double? {
        guard scalar.style == .plain || scalar.style == .any else { return nil }
        let isPlainDecimal = scalar.string.utf8.allSatisfy { (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2B || $0 == 0x2D }
        return isPlainDecimal ? Double(scalar.string) : Double.construct(from: scalar)
    }

    /// A plain true/false word, as YAML 1.1's default resolver reads it (a quoted "true" is text).
    private static func flag(_ scalar: Node.Scalar) -> Bool? {
        guard scalar.style == .plain else { return nil }
        switch scalar.string {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
        default: return nil
        }
    }

    private func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}

/// A list item that must be text (a panel name, an order item).
func text(of node: Node, _ problems: inout FileProblems, what: String) -> String? {
    guard case .scalar(let scalar) = node else {
        problems.error(line(of: node, problems), "\(what) must be text, not a list or mapping")
        return nil
    }
    let text = scalar.string.trimmingWhitespaceAndNewlines()
    if text.isEmpty {
        problems.error(line(of: node, problems), "\(what) is empty")
        return nil
    }
    return text
}

/// A value as written, for messages.
private func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar): abbreviated(scalar.string)
    case .sequence: "a list"
    case .mapping: "a mapping"
    case .alias: "an alias"
    }
}

/// Ids of lessons, questions and cards: what the learner's history is keyed by.
func isValidID(_ id: String) -> Bool {
    var previous: UInt8 = 0x2D   // as if after a hyphen: an id starts with a letter or digit
    for byte in id.utf8 {
        let isLetterOrDigit = (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
        guard isLetterOrDigit || (byte == 0x2D && previous != 0x2D) else { return false }
        previous = byte
    }
    return previous != 0x2D
}

/// The rule for ids, for messages.
let idRule = "lowercase letters, digits and single hyphens, like rc-weight-sharing"
