// The `--ascii` spelling of the symbols equations use (FORMAT.md, "Symbols and
// their ASCII spelling"), for terminals that cannot show Unicode.

/// `text` with each symbol of the format's table written in ASCII: σ → sigma,
/// ⊙ → *, ≤ → <=, hₜ → h_t, xᵀ → x^T. A run of several subscripts or
/// superscripts is braced, so hₜ₋₁ reads h_{t-1} (as the spec writes it)
/// rather than h_t-_1. A few typographic marks (— – … ‘ ’ “ ” and a
/// no-break space) get their plain spelling too; anything else is left as is.
public func asciiSpelling(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    var scalars = text.unicodeScalars[...]
    while let scalar = scalars.first {
        if let script = Script(scalar) {
            let run = scalars.prefix { Script($0) == script }
            let spelled = String(String.UnicodeScalarView(run.map { script.plain[$0]! }))
            result += script.marker + (run.count > 1 ? "{\(spelled)}" : spelled)
            scalars = scalars.dropFirst(run.count)
        } else {
            if let spelling = asciiSymbols[scalar] {
                result += spelling
            } else {
                result.unicodeScalars.append(scalar)
            }
            scalars = scalars.dropFirst()
        }
    }
    return result
}

/// Subscripts and superscripts, whose ASCII spelling depends on their neighbours.
private enum Script: Equatable {
    case sub, sup

    init?(_ scalar: Unicode.Scalar) {
        if subscripts[scalar] != nil {
            self = .sub
        } else if superscripts[scalar] != nil {
            self = .sup
        } else {
            return nil
        }
    }

    var marker: String { self == .sub ? "_" : "^" }
    var plain: [Unicode.Scalar: Unicode.Scalar] { self == .sub ? subscripts : superscripts }
}

private let subscripts: [Unicode.Scalar: Unicode.Scalar] = [
    "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9",
    "₊": "+", "₋": "-", "₌": "=", "₍": "(", "₎": ")",
    "ₐ": "a", "ₑ": "e", "ₒ": "o", "ₓ": "x", "ₕ": "h", "ₖ": "k", "ₗ": "l", "ₘ": "m", "ₙ": "n",
    "ₚ": "p", "ₛ": "s", "ₜ": "t", "ᵢ": "i", "ⱼ": "j", "ᵣ": "r", "ᵤ": "u", "ᵥ": "v",
]

private let superscripts: [Unicode.Scalar: Unicode.Scalar] = [
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9",
    "⁺": "+", "⁻": "-", "⁼": "=", "⁽": "(", "⁾": ")", "ᵀ": "T", "ⁿ": "n", "ⁱ": "i",
]

private let asciiSymbols: [Unicode.Scalar: String] = [
    // The table of FORMAT.md.
    "σ": "sigma", "∂": "d", "⊙": "*", "·": "*", "×": "x", "−": "-", "≈": "~=", "≤": "<=", "≥": ">=",
    "→": "->", "←": "<-", "Σ": "sum", "∏": "prod", "√": "sqrt", "‖": "||", "∞": "inf",
    "α": "alpha", "β": "beta", "γ": "gamma", "η": "eta", "λ": "lambda", "θ": "theta",
    // N-ary summation looks like Σ and is easy to type by accident.
    "∑": "sum",
    // Typography that prose uses and an ASCII terminal cannot show.
    "—": "--", "–": "-", "…": "...", "‘": "'", "’": "'", "“": "\"", "”": "\"", "\u{00A0}": " ",
]
