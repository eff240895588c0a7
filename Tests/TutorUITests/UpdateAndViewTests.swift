import Course
import Foundation
import ModelFile
import Testing
@testable import TutorUI

/// The tutor without a terminal: messages through `update`, frames from `view`.
@Suite struct UpdateAndViewTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The small lesson pack and models under Tests/TutorUITests/Fixtures (see its README):
    /// screens drawn from them do not change when the course is edited or a model retrained.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The tutor on the shipped course and models.
    static func state(width: Int = 140, height: Int = 45) throws -> TutorState {
        try state(folder: root, width: width, height: height)
    }

    /// The tutor on the fixture pack and models.
    static func fixtureState(width: Int = 140, height: Int = 45) throws -> TutorState {
        try state(folder: fixtures, width: width, height: height)
    }

    static func state(folder: URL, width: Int, height: Int) throws -> TutorState {
        let models = try ["rnn", "lstm", "gru"].map { try Model.load(path: folder.appendingPathComponent("models/\($0).safetensors").path) }
        let course = try CoursePack.load(directory: folder.appendingPathComponent("lessons").path)
        return TutorState(course: course, models: models, width: width, height: height, ascii: false, color: true)
    }

    @Test func openingALessonLoadsItsPresetAndKeysChangeWhatTheyShould() throws {
        var s = try Self.state()
        _ = update(&s, .key(.down))
        _ = update(&s, .key(.enter))
        #expect(s.screen.kind == .lesson && s.lessonSession!.trace?.cell == .rnn)
        #expect(s.lessonSession!.sentence == s.lesson?.lab.sentence)
        _ = update(&s, .key(.right))
        #expect(s.lessonSession!.cursorWord == 1 && s.status.hasPrefix("word 2:"))
        _ = update(&s, .key(.character("3")))
        #expect(s.lessonSession!.trace?.cell == .gru && s.status.hasPrefix("GRU: at word 1 the gradient is about 10^"))
        _ = update(&s, .key(.character("[")))
        #expect(s.lessonSession!.trace?.loss.step == (s.lessonSession!.trace?.tokens.count ?? 0) - 3)   // the default is the last word with a real next word
        _ = update(&s, .key(.character("+")))
        #expect(s.lessonSession!.whhScale == 1.25)
        _ = update(&s, .key(.character("b")))
        #expect(s.lessonSession!.sweepFrom != nil)
        for _ in 0..<200 { _ = update(&s, .tick) }
        #expect(s.lessonSession!.sweepFrom == nil && s.status.hasPrefix("sweep done"))
        _ = update(&s, .key(.character("d")))
        #expect(s.lessonSession!.depth == .standard)
        _ = update(&s, .key(.escape))
        #expect(s.screen.kind == .course && !s.quit)
        _ = update(&s, .key(.controlC))
        #expect(s.quit)
    }

    @Test func theVanishingLessonOverlaysEveryCellsGradient() throws {
        var s = try Self.state()
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.lab.cell == .all })
        _ = update(&s, .key(.enter))
        #expect(s.lessonSession!.overlay && s.lessonSession!.overlayTraces.map(\.cell) == [.rnn, .lstm, .gru])
        #expect(view(s).text.contains("all cells"))
        _ = update(&s, .key(.character("o")))
        #expect(!s.lessonSession!.overlay && s.lessonSession!.overlayTraces.isEmpty && !view(s).text.contains("all cells"))
    }

    @Test(arguments: [(1, 1), (20, 6), (39, 12), (60, 20), (80, 24), (140, 45), (200, 60)])
    func everySizeDrawsAFrame(width: Int, height: Int) throws {
        var s = try Self.state(width: width, height: height)
        let course = view(s)
        _ = update(&s, .key(.enter))
        _ = update(&s, .key(.end))
        let lesson = view(s)
        _ = update(&s, .key(.tab))
        let panels = view(s)
        _ = update(&s, .key(.character("?")))
        let help = view(s)
        if width < minimumSize.width || height < minimumSize.height {
            #expect(lesson.text.contains("Make") || width < 5)
        } else {
            // Every frame ends in the status line, reversed across the whole width.
            for frame in [course, lesson, panels, help] {
                #expect((0..<width).allSatisfy { frame[$0, height - 1].style.reverse })
            }
            #expect(course.text.contains("1. Sequences and why order matters"))
            #expect(help.text.contains("Keys"))
            #expect(width >= 100 ? lesson.text.contains("Gradient ‖∂L/∂hₜ‖") : panels.text.contains("Sentence ("))
        }
    }
}

/// The screens this session added, at every size the lesson is drawn at (down to one cell): the
/// Jacobian panel, the writer, find the unit and a lab task through its action, each then left and
/// resized in the middle. Nothing may trap, and the frame always fills the window.
@Suite struct NewScreensAtEverySizeTests {
    @Test(arguments: [(1, 1), (20, 6), (39, 12), (60, 20), (80, 24), (200, 60)])
    func instrumentsAndTasksDrawAtEverySize(width: Int, height: Int) throws {
        var s = try UpdateAndViewTests.fixtureState(width: width, height: height)
        func keys(_ list: [Key], ticks: Int = 0) {
            for key in list {
                _ = update(&s, .key(key))
                let frame = view(s)
                #expect(frame.width == width && frame.height == height)
            }
            for _ in 0..<ticks { _ = update(&s, .tick) }
            _ = view(s)
        }
        keys([.enter, .right, .right])
        keys([.character("J"), .character("+"), .character("J")])
        keys([.character("w")], ticks: 20)
        _ = update(&s, .resize(width: max(1, width / 2), height: max(1, height / 2)))
        _ = view(s)
        _ = update(&s, .resize(width: width, height: height))
        keys([.escape])
        keys([.character("u"), .character("]"), .character("]"), .escape])
        keys([.character("p"), .down, .enter], ticks: 200)
        keys([.escape])
        #expect(s.screen.kind == .lesson && s.lessonSession?.task == nil)
    }
}
