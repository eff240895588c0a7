import ModelFile
import Course
import Foundation
import Practice

/// Runs the tutor: each message goes through `update`, and the effects it returns are
/// carried out here, in order, with their answers fed back as messages. The only
/// holder of references (the progress book, the training worker) and of what is not
/// yet saved; the state itself stays a plain value.
public final class TutorRuntime {
    public internal(set) var state: TutorState
    private let book: ProgressBook?
    private let worker: ExperimentWorker?
    private let unitSearch: UnitSearchWorker?
    private let modelLoader: (@Sendable (String) throws -> Model)?
    /// What the learner did that is not in the store yet, oldest first.
    public private(set) var unsaved: [ProgressEvent] = []
    /// Why `unsaved` could not be written, while it cannot.
    public private(set) var saveProblem: String? = nil

    /// `book` nil: nothing is kept (events are let go); `worker` nil: experiments cannot train;
    /// `unitSearch` nil: find the unit has no text to search.
    /// `modelLoader` nil: a lesson's `model:` cannot be loaded (the lab stays on the shipped three).
    public init(_ state: TutorState, book: ProgressBook?, worker: ExperimentWorker?, unitSearch: UnitSearchWorker? = nil,
                modelLoader: (@Sendable (String) throws -> Model)? = nil) {
        var state = state
        state.scheduler = book?.scheduler
        self.state = state
        self.book = book
        self.worker = worker
        self.unitSearch = unitSearch
        self.modelLoader = modelLoader
    }

    /// One turn of the loop: the message through `update`, on a tick the worker's latest
    /// snapshot, then the effects. Events are saved before any read, so a read sees them.
    public func handle(_ message: Message, now: Date = Date()) {
        state.now = now
        var pending = update(&state, message)
        if message == .tick, let snapshot = worker?.poll() { pending += update(&state, .experiment(snapshot)) }
        if message == .tick, let answer = unitSearch?.poll() { pending += update(&state, .unitSearched(answer)) }
        let retrying = message != .tick   // a failed save is retried on keys, not forty times a second
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            switch effect {
            case .record(let event): unsaved.append(event)
            case .train(let snapshot, let target): worker?.start(snapshot.race, until: target)
            case .stopTraining: worker?.stop()
            case .loadModel(let name):
                let delivery: ModelDelivery
                if let modelLoader {
                    do { delivery = ModelDelivery(name: name, model: try modelLoader(name)) }
                    catch { delivery = ModelDelivery(name: name, model: nil, problem: "\(error)") }
                } else {
                    delivery = ModelDelivery(name: name, model: nil, problem: "this run loads no further models")
                }
                pending += update(&state, .modelLoaded(delivery))
            case .searchUnit(let request):
                if let unitSearch, state.models.indices.contains(request.model) {
                    unitSearch.start(request, model: state.models[request.model].model)
                } else {
                    pending += update(&state, .unitSearched(UnitSearchAnswer(request: request, contexts: [], lines: 0,
                                                                             problem: "this run has no text to search")))
                }
            case .readDueCards(let lesson):
                save(retrying: retrying)
                pending += update(&state, .cardsDue(dueCards(lesson: lesson)))
            case .readQuizHistory:
                save(retrying: retrying)
                pending += update(&state, .quizHistory(book.flatMap { try? $0.questionHistory() }))
            }
        }
        save(retrying: retrying)
    }

    /// Stops a training run that is still going (on quitting).
    public func stop() { worker?.stop() }

    private func dueCards(lesson: String?) -> DueCards? {
        guard let book, let cards = try? book.dueCards(course: state.course, now: state.now, lesson: lesson),
              let states = try? cards.map({ ($0.id, try book.card($0.id)) }) else { return nil }
        return DueCards(lesson: lesson, cards: cards, states: Dictionary(states, uniquingKeysWith: { first, _ in first }))
    }

    /// Hands the unsaved events to the book, oldest first, each in its own transaction, then
    /// reads the progress back. An event that cannot be written stays queued with everything
    /// after it and is tried again on the next key: never dropped.
    private func save(retrying: Bool) {
        guard !unsaved.isEmpty else { return }
        guard let book else { unsaved.removeAll(); return }   // nothing is kept
        if !retrying && saveProblem != nil { return }
        while let event = unsaved.first {
            do {
                try book.record([event])
            } catch {
                saveProblem = "not saved yet (\(error)); the next key tries again"
                _ = update(&state, .notSaved(saveProblem!))
                return
            }
            unsaved.removeFirst()
        }
        saveProblem = nil
        if let snapshot = try? book.snapshot(course: state.course, now: state.now) {
            _ = update(&state, .progressSaved(snapshot))
        }
    }
}
