import Course
import Testing

@Suite struct ASCIISpellingTests {
    @Test(arguments: [
        ("σ", "sigma"), ("∂", "d"), ("⊙", "*"), ("·", "*"), ("×", "x"), ("−", "-"), ("≈", "~="),
        ("≤", "<="), ("≥", ">="), ("→", "->"), ("←", "<-"), ("Σ", "sum"), ("∏", "prod"), ("√", "sqrt"),
        ("‖", "||"), ("∞", "inf"), ("α", "alpha"), ("β", "beta"), ("γ", "gamma"), ("η", "eta"),
        ("λ", "lambda"), ("θ", "theta"),
    ])
    func everySymbolOfTheFormatTable(symbol: String, ascii: String) {
        #expect(asciiSpelling(symbol) == ascii)
    }

    @Test func singleSubscriptsAndSuperscripts() {
        #expect(asciiSpelling("x₀ x₁ x₂ x₃ x₄ x₅ x₆ x₇ x₈ x₉ xₜ") == "x_0 x_1 x_2 x_3 x_4 x_5 x_6 x_7 x_8 x_9 x_t")
        #expect(asciiSpelling("x⁰ x¹ x² x³ x⁴ x⁵ x⁶ x⁷ x⁸ x⁹ Wᵀ") == "x^0 x^1 x^2 x^3 x^4 x^5 x^6 x^7 x^8 x^9 W^T")
    }

    @Test func runsOfSubscriptsAreBraced() {
        #expect(asciiSpelling("hₜ = tanh(W_ih·xₜ + b_ih + W_hh·hₜ₋₁ + b_hh)")
                == "h_t = tanh(W_ih*x_t + b_ih + W_hh*h_{t-1} + b_hh)")
        #expect(asciiSpelling("W⁻¹ and x₁₀") == "W^{-1} and x_{10}")
    }

    @Test func equationsOfTheLessons() {
        #expect(asciiSpelling("cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ gₜ") == "c_t = f_t * c_{t-1} + i_t * g_t")
        #expect(asciiSpelling("∂L/∂hₜ ≈ ∏ ‖W_hh‖ → 0") == "dL/dh_t ~= prod ||W_hh|| -> 0")
        #expect(asciiSpelling("iₜ = σ(W_ii·xₜ + b_ii)") == "i_t = sigma(W_ii*x_t + b_ii)")
    }

    @Test func asciiAndUnlistedTextIsLeftAlone() {
        #expect(asciiSpelling("plain text, 1 + 2 = 3") == "plain text, 1 + 2 = 3")
        #expect(asciiSpelling("café") == "café")
        #expect(asciiSpelling("Elman — 1990 … “quoted”") == "Elman -- 1990 ... \"quoted\"")
    }
}
