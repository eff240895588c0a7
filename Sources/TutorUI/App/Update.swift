import Course
import Foundation
import ModelFile
import Practice
import RNNCore

/// The one place where the tutor's state changes: a message in, the next state out, and
/// the effects (saving, reading the store, training) for the runtime to carry out.
public func update(_ state: inout TutorState, _ message: Message) -> [Effect] {
    switch message {
    case .resize(let width, let height):
        state.width = width
        state.height = height
        if state.screen == .lesson { state.textScroll = min(state.textScroll, state.maximumTextScroll) }
        return []
    case .tick:
        advanceSweep(&state)
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
        let effects = state.screen == .lesson ? recordPosition(&state) : []
        state.quit = true
        return effects
    case .key(let key):
        if state.showHelp {
            state.showHelp = false   // any key closes help
            return []
        }
        let before = state.currentHidden
        // ▲▼ compare the same word of the same sentence in the same cell, before and after a key.
        let place = (state.screen, state.selectedLesson, state.sentence, state.modelIndex)
        let effects: [Effect]
        if state.editor != nil {
            editorKey(&state, key)
            effects = []
        } else if state.action(for: key) == .help, !state.faqTakesTyping {
            state.showHelp = true
            return []
        } else {
            switch state.screen {
            case .course: effects = courseKey(&state, key)
            case .lesson: effects = lessonKey(&state, key)
            case .quiz: effects = quizKey(&state, key)
            case .review: effects = reviewKey(&state, key)
            case .experiment: effects = experimentKey(&state, key)
            case .faq: effects = faqKey(&state, key)
            }
        }
        // Mark the units that moved, when this key moved any.
        let after = state.currentHidden
        let samePlace = place == (state.screen, state.selectedLesson, state.sentence, state.modelIndex)
        state.previousHidden = samePlace && before != nil && after != nil && before! != after! && before!.count == after!.count
            ? before : nil
        return effects
    }
}

extension TutorState {
    /// The hidden state at the cursor, as the panel shows it.
    var currentHidden: [Float]? {
        guard let trace = shownTrace, trace.steps.indices.contains(cursorWord) else { return nil }
        return trace.steps[cursorWord].hidden
    }
}
