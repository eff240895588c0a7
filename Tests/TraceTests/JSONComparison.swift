import Foundation

/// Compares two parsed JSON values: numbers within the spec's tolerance
/// |Δ| ≤ 1e-4 + 1e-3·|x|, everything else exactly. Returns the differences found.
func differences(_ actual: Any, _ expected: Any, at path: String = "$") -> [String] {
    switch (actual, expected) {
    case (let a as [String: Any], let e as [String: Any]):
        if Set(a.keys) != Set(e.keys) { return ["\(path): keys \(a.keys.sorted()) vs \(e.keys.sorted())"] }
        return e.keys.sorted().flatMap { differences(a[$0]!, e[$0]!, at: "\(path).\($0)") }
    case (let a as [Any], let e as [Any]):
        if a.count != e.count { return ["\(path): \(a.count) entries vs \(e.count)"] }
        return zip(a, e).enumerated().flatMap { differences($1.0, $1.1, at: "\(path)[\($0)]") }
    case (let a as String, let e as String):
        return a == e ? [] : ["\(path): \"\(a)\" vs \"\(e)\""]
    case (let a as NSNumber, let e as NSNumber):
        let x = a.doubleValue, y = e.doubleValue
        return abs(x - y) <= 1e-4 + 1e-3 * abs(y) ? [] : ["\(path): \(x) vs \(y)"]
    case (is NSNull, is NSNull):
        return []
    default:
        return ["\(path): \(actual) vs \(expected)"]
    }
}

/// Where the trace fixtures live (made by scripts/make_trace_fixtures.py with PyTorch).
let fixtureDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// Immutable after loading; `Any` holds only parsed JSON values.
struct TraceFixture: CustomStringConvertible, @unchecked Sendable {
    var name: String
    var modelPath: String
    var arguments: [String: Any]
    var expected: Any

    var description: String { name }

    static func all() -> [TraceFixture] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: fixtureDirectory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.sorted().compactMap { file in
            guard let data = try? Data(contentsOf: fixtureDirectory.appendingPathComponent(file)),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let arguments = object["args"] as? [String: Any], let expected = object["expected"],
                  let model = arguments["model"] as? String
            else { return nil }
            return TraceFixture(name: String(file.dropLast(5)), modelPath: fixtureDirectory.appendingPathComponent(model).path,
                                arguments: arguments, expected: expected)
        }
    }

    var lossStep: Int? { arguments["loss_step"] as? Int }
    var target: String? { arguments["target"] as? String }
    var whhScale: Float { Float((arguments["whh_scale"] as? Double) ?? 1) }
    var text: String? { arguments["text"] as? String }
    var ids: [Int]? { arguments["ids"] as? [Int] }

    /// The same case as `rnn-tutor trace` arguments.
    var commandLine: [String] {
        var line = ["trace", "--model", modelPath]
        if let text { line += ["--text", text] }
        if let ids { line += ["--ids", ids.map(String.init).joined(separator: ",")] }
        if let lossStep { line += ["--loss-step", String(lossStep)] }
        if let target { line += ["--target", target] }
        line += ["--whh-scale", String(whhScale)]
        return line
    }
}
