import Course
import Foundation
import Testing
@testable import TutorUI

/// `update` keeps the lesson text wrapped between frames; what a frame reads must always be
/// what wrapping the text afresh gives, whatever changed: the depth, the window, the lesson.
@Suite struct WrappedLessonTextTests {
    /// The text wrapped from nothing, as the state stands.
    static func fresh(_ s: TutorState) -> [TextLayout.Line] {
        var copy = s
        copy.wrappedLessonText = nil
        return copy.lessonLines
    }

    @Test func theKeptTextIsAlwaysTheTextWrappedAfresh() throws {
        var s = try UpdateAndViewTests.state()
        _ = update(&s, .key(.enter))
        #expect(s.wrappedLessonText != nil, "opening a lesson keeps its text wrapped")
        #expect(s.lessonLines == Self.fresh(s))
        let messages: [Message] = [.key(.character("d")), .resize(width: 90, height: 30), .key(.right),
                                   .key(.character("d")), .resize(width: 200, height: 60), .key(.escape),
                                   .key(.down), .key(.enter), .key(.character("d"))]
        for message in messages {
            _ = update(&s, message)
            #expect(s.lessonLines == Self.fresh(s), "after \(message)")
            #expect(s.wrappedLessonText == nil || s.wrappedLessonText!.lines == Self.fresh(s), "after \(message)")
        }
        // A key that changes neither the lesson, its depth nor the width keeps the same lines.
        let before = s.wrappedLessonText?.lines
        _ = update(&s, .key(.right))
        #expect(s.wrappedLessonText?.lines == before)
    }

    @Test func aStateMadeWithoutUpdateWrapsTheTextItself() throws {
        var s = try UpdateAndViewTests.state()
        _ = update(&s, .key(.enter))
        s.width = 100   // as a test might set it, without a resize message
        #expect(s.lessonLines == Self.fresh(s) && s.lessonLines != s.wrappedLessonText?.lines)
    }
}
