import Course
import Foundation
import ModelFile
import Practice
import RNNCore

/// The one place where the tutor's state changes: a message in, the next state out, and
/// the effects (saving, reading the store, training) for the runtime to carry out.
public func update(_ state: inout TutorState, _ message: Message) -> [Effect] {
    let effects = dispatch(&state, message)
    // Whatever put the cursor on a word (a key, a task's action, resuming), the prediction
    // panel reads the head there: it runs here, once per word, never in `view`.
    if state.lessonSession?.headMissingAtCursor == true { state.lessonOnScreen.showCursorWord(models: state.models) }
    state.keepLessonTextWrapped()
    return effects
}

private func dispatch(_ state: inout TutorState, _ message: Message) -> [Effect] {
    switch message {
    case .resize(let width, let height):
        state.width = width
        state.height = height
        if var lesson = state.lessonSession {
            lesson.textScroll = min(lesson.textScroll, state.maximumTextScroll)
            state.lessonSession = lesson
        }
        return []
    case .tick:
        if state.lessonSession?.task?.holdsSweep != true { advanceSweep(&state) }
        taskTick(&state)
        advanceWriting(&state)
        return reviewTick(&state)
    case .started:
        let effects = resume(&state)
        if let notice = state.notice { state.status = notice }
        return effects
    case .experiment(let snapshot):
        experimentProgress(&state, snapshot)
        return []
    case .cardsDue(let due):
        cardsDue(&state, due)
        return []
    case .quizHistory(let history):
        openMixedQuiz(&state, history: history ?? [:])
        return []
    case .modelLoaded(let delivery):
        modelLoaded(&state, delivery)
        return []
    case .unitSearched(let answer):
        unitSearched(&state, answer)
        return []
    case .progressSaved(let progress):
        state.progress = progress
        return []
    case .notSaved(let problem):
        state.status = problem
        return []
    case .key(.controlC):
        leaveTask(&state)   // the learner's own lab is what is kept, never a task's
        let effects = state.lessonSession != nil ? recordPosition(&state) : []
        state.quit = true
        return effects
    case .key(let key):
        if state.showHelp {
            state.showHelp = false   // any key closes help
            return []
        }
        if state.action(for: key) == .help, !state.faqTakesTyping {
            state.showHelp = true
            return []
        }
        switch state.screen {
        case .course: return courseKey(&state, key)
        case .lesson(let lesson): return lesson.task != nil ? taskKey(&state, key) : lessonKey(&state, key)
        case .quiz: return quizKey(&state, key)
        case .review: return reviewKey(&state, key)
        case .experiment: return experimentKey(&state, key)
        case .faq: return faqKey(&state, key)
        }
    }
}
