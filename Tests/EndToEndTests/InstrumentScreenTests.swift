import Foundation
import Testing

/// Issue 15's instruments in the real binary under tmux: keys in, the screen read back.
@Suite(.serialized, .enabled(if: TmuxSession.available, "tmux is not installed; .ci/run installs it"))
struct InstrumentScreenTests {
    /// J brings the Jacobian panel to the front in lesson 3; − moves it with the gradient; J puts it away.
    @Test func theJacobianPanelComesToTheFrontAndFollowsTheKnob() async throws {
        try await TmuxSession.tutor(width: 160, height: 50) { session in
            try await session.openLesson(3, until: "Sentence (RNN, word 1 of")
            await session.send("J")
            try await session.waitFor("Jacobian ∂hₜ/∂hₜ₋₁ of the RNN")
            #expect(await session.screen().contains("≥ measured"))   // the cursor line: Π against the measured ratio
            await session.send("-")
            try await session.waitFor("σ_max per word · W_hh × 0.75")
            await session.send("J")
            try await session.waitFor("Jacobian panel put away")
            #expect(!(await session.screen().contains("σ_max per word")))
            await session.send("C-c")
            #expect(try await session.waitForExit().status == 0)
        }
    }

    /// w in lesson 8: the LSTM writes on from "man", word by word, and Enter keeps the sentence;
    /// u marks a span, ranks the units, and Enter starts the search without holding up the keys.
    @Test func theNetworkWritesAndTheUnitIsFound() async throws {
        try await TmuxSession.tutor(width: 160, height: 50) { session in
            try await session.openLesson(8, until: "Sentence (LSTM, word 1 of")
            await session.send("Right", "Right", "Right", "Right", "Right", "Right", "Right")
            try await session.waitFor("word 8: \"man\"")
            await session.send("w")
            try await session.waitFor("The LSTM writes · temperature 1.00 · top-k all · seed 1")
            try await session.waitFor("the sentence ended after 5 words")
            #expect(await session.screen().contains("it is a truth that every young man has given stronger money ."))
            await session.send("Enter")
            try await session.waitFor("the written sentence is now the lab's")
            await session.send("Home", "u")
            try await session.waitFor("Find the unit (LSTM)")
            await session.send("Right", "[", "Right", "Right", "]")
            try await session.waitFor("span: words 2–4")
            await session.send("Enter")
            try await session.waitFor("held-out text")
            await session.send("Escape")
            try await session.waitFor("find the unit closed")
            await session.send("C-c")
            #expect(try await session.waitForExit().status == 0)
        }
    }

    /// Lesson 2 loads the 2-layer LSTM: c reaches it, L shows its bottom layer.
    @Test func lessonTwoLoadsTheStackedLSTMAndLShowsEachLayer() async throws {
        try await TmuxSession.tutor(width: 160, height: 50) { session in
            try await session.openLesson(2, until: "Sentence (RNN, word 1 of")
            await session.send("c", "c", "c")
            try await session.waitFor("Sentence (LSTM 2-layer, layer 2 of 2, word 1 of")
            await session.send("L")
            try await session.waitFor("Hidden state hₜ (LSTM 2-layer, layer 1 of 2)")
            #expect(await session.screen().contains("its hₜ is the input of layer 2"))
            await session.send("C-c")
            #expect(try await session.waitForExit().status == 0)
        }
    }
}
