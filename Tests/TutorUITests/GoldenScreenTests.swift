import Foundation
import Testing
@testable import TutorUI

/// Whole screens, drawn without a terminal and compared with the text in
/// `Golden/`. A change to a screen shows up here as a line-by-line difference;
/// when the change is meant, `RNN_TUTOR_RECORD_GOLDEN=1 swift test --filter
/// GoldenScreenTests` writes the files anew (review them with `git diff`).
@Suite struct GoldenScreenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let recording = ProcessInfo.processInfo.environment["RNN_TUTOR_RECORD_GOLDEN"] == "1"

    struct Screen: CustomTestStringConvertible, Sendable {
        var name: String, width: Int, height: Int, ascii = false
        var keys: [Key]
        var testDescription: String { name }
    }

    static let screens: [Screen] = [
        Screen(name: "course-80x24", width: 80, height: 24, keys: []),
        Screen(name: "lesson-text-80x24", width: 80, height: 24, keys: [.enter]),
        Screen(name: "lesson-panels-80x24", width: 80, height: 24, keys: [.enter, .right, .right, .tab]),
        Screen(name: "lesson-lstm-140x45", width: 140, height: 45, keys: [.down, .enter, .character("2"), .right, .right, .right]),
        Screen(name: "lesson-gru-deep-200x60", width: 200, height: 60, keys: [.down, .down, .down, .down, .down, .enter,
                                                                          .character("d"), .character("d"), .end]),
        Screen(name: "overlay-120x40", width: 120, height: 40, keys: [.down, .down, .down, .enter, .character("o")]),
        // Lesson 4's passage on the LSTM, the RNN's bars left as a ghost; the fixed axis, the loss label, ◆ for c.
        Screen(name: "lesson4-ghost-200x60", width: 200, height: 60, keys: [.down, .down, .down, .enter, .home, .character("2")]),
        Screen(name: "editor-120x40", width: 120, height: 40, keys: [.enter, .character("e"), .end] + " sat on a zqxv".map { .character($0) }),
        Screen(name: "help-100x30", width: 100, height: 30, keys: [.enter, .character("?")]),
        Screen(name: "race-setup-100x30", width: 100, height: 30, keys: [.character("x"), .left]),
        Screen(name: "explorer-setup-100x30", width: 100, height: 30, keys: [.character("v"), .character("2"), .character("c")]),
        Screen(name: "help-two-columns-80x24", width: 80, height: 24, keys: [.enter, .character("?")]),
        Screen(name: "ascii-100x30", width: 100, height: 30, ascii: true, keys: [.down, .enter, .right]),
        Screen(name: "too-small-30x10", width: 30, height: 10, keys: []),
        // Lesson 5 read at deep (d d), so its quiz asks every depth's questions.
        Screen(name: "quiz-question-100x30", width: 100, height: 30, keys: [.down, .down, .down, .down, .enter, .character("d"), .character("d"), .character("t")]),
        Screen(name: "dialogue-100x30", width: 100, height: 30, keys: [.down, .down, .down, .down, .down, .enter,
                                                                   .pageDown, .pageDown]),
        Screen(name: "dialogue-ascii-80x24", width: 80, height: 24, ascii: true, keys: [.down, .enter, .pageDown, .pageDown]),
        Screen(name: "faq-list-100x30", width: 100, height: 30, keys: [.character("f")] + "lstm".map { .character($0) }),
        Screen(name: "faq-answer-80x24", width: 80, height: 24, keys: [.character("f"), .down, .down, .down, .enter, .character("g")]),
        Screen(name: "quiz-feedback-100x30", width: 100, height: 30, keys: [.down, .down, .down, .down, .enter, .character("d"), .character("d"), .character("t"), .character("1"), .enter]),
    ]

    @Test(arguments: screens)
    func screenMatchesItsGoldenFile(_ screen: Screen) throws {
        var state = try UpdateAndViewTests.state(width: screen.width, height: screen.height)
        state.ascii = screen.ascii
        for key in screen.keys { _ = update(&state, .key(key)) }
        let drawn = view(state).text
        let file = Self.folder.appendingPathComponent(screen.name + ".txt")
        if Self.recording {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try drawn.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        guard drawn != expected else { return }
        let got = drawn.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let differing = (0..<max(got.count, want.count)).filter { i in
            (i < got.count ? got[i] : "") != (i < want.count ? want[i] : "")
        }
        let shown = differing.prefix(5).map { i in
            "line \(i + 1)\n  expected: \(i < want.count ? want[i] : "")\n  drawn:    \(i < got.count ? got[i] : "")"
        }.joined(separator: "\n")
        Issue.record("\(screen.name): \(differing.count) line(s) differ from Golden/\(screen.name).txt\n\(shown)")
    }
}
