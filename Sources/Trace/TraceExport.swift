import Foundation
import ModelFile
import RNNCore

/// The `trace` export formats of section 3 of `model-and-trace.md`.
extension SentenceTrace {
    /// One JSON object. Non-finite numbers are written as the strings "inf", "-inf", "nan"
    /// so that the output is always valid JSON.
    /// `jacobian` adds the `trace --jacobian` field (see `JacobianTrace.jsonField`).
    public func json(jacobian: JacobianTrace? = nil) -> String {
        var out = "{\"cell\": \(jsonString(cell.rawValue)), \"layers\": \(layers), \"hidden_size\": \(hiddenSize),\n"
        out += " \"tokens\": [\(tokens.map(jsonString).joined(separator: ", "))],\n"
        out += " \"ids\": [\(ids.map(String.init).joined(separator: ", "))],\n"
        out += " \"steps\": [\n"
        out += steps.map { step in
            var fields = ["\"h\": \(jsonNumbers(step.hidden))"]
            if let c = step.cell { fields.append("\"c\": \(jsonNumbers(c))") }
            if !step.gates.isEmpty {
                fields.append("\"gates\": {" + step.gates.map { "\(jsonString($0.name)): \(jsonNumbers($0.values))" }.joined(separator: ", ") + "}")
            }
            fields.append("\"top\": [" + step.top.map { "{\"label\": \(jsonString($0.label)), \"p\": \(jsonNumber($0.probability))}" }
                .joined(separator: ", ") + "]")
            return "  {" + fields.joined(separator: ", ") + "}"
        }.joined(separator: ",\n")
        out += "\n ],\n"
        out += " \"loss\": {\"step\": \(loss.step), \"target\": \(jsonString(loss.target)), \"target_id\": \(loss.targetID), \"value\": \(jsonNumber(loss.value))},\n"
        out += " \"grad_norm\": {\"h\": \(jsonNumbers(hiddenGradientNorms))"
        if let c = cellGradientNorms { out += ", \"c\": \(jsonNumbers(c))" }
        out += "}"
        if let jacobian { out += ",\n" + jacobian.jsonField() }
        out += "}\n"
        return out
    }

    /// A header row and one row per step, RFC 4180 quoting, lines ending in "\n".
    public func csv(jacobian: JacobianTrace? = nil) -> String {
        let h = hiddenSize
        var header = ["t", "token", "loss_grad_h"]
        if cell == .lstm { header.append("loss_grad_c") }
        header += (0..<h).map { "h\($0)" }
        if cell == .lstm { header += (0..<h).map { "c\($0)" } }
        if cell != .rnn { for name in cell.gateNames { header += (0..<h).map { "\(name)\($0)" } } }
        header += ["top_label", "top_p"]
        if let jacobian { header += jacobian.csvHeader() }
        var lines = [header.map(csvField).joined(separator: ",")]
        for (t, step) in steps.enumerated() {
            var row = [String(t), csvField(tokens[t]), csvNumber(hiddenGradientNorms[t])]
            if let c = cellGradientNorms { row.append(csvNumber(c[t])) }
            row += step.hidden.map(csvNumber)
            if let c = step.cell { row += c.map(csvNumber) }
            for gate in step.gates { row += gate.values.map(csvNumber) }
            row += [csvField(step.top[0].label), csvNumber(step.top[0].probability)]
            if let jacobian { row += jacobian.csvFields(step: t).map(csvNumber) }
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Shortest text that reads back as the same Float32 ("0.41", "1e-05").
func jsonNumber(_ x: Float) -> String {
    if x.isNaN { return "\"nan\"" }
    if x.isInfinite { return x > 0 ? "\"inf\"" : "\"-inf\"" }
    return x.description
}

func jsonNumbers(_ xs: some Collection<Float>) -> String { "[" + xs.map(jsonNumber).joined(separator: ", ") + "]" }

func csvNumber(_ x: Float) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    return x.description
}

/// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
