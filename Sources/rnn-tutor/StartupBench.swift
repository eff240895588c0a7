import Course
import Foundation
import ModelFile
import Practice
import ProgressStore
import TutorUI

/// `bench --startup`: the tutor's start-up to its first frame at 200×60, as `tutor` does it
/// (the lessons and models read, the progress store opened and read, the first update and
/// frame; the terminal itself left out), from an empty store and from one that resumes
/// lesson 4. Each start is made from nothing, files in the warm cache; the median of
/// `repetitions` is reported with the process's CPU time, and then where the time goes.
/// For one core: `taskset -c 0 rnn-tutor bench --startup`.
func benchStartup(repetitions: Int) throws {
    let root = try ShippedFiles.root()
    let lessons = root.appendingPathComponent("lessons").path
    let models = try ShippedFiles.shippedModelPaths
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-startup-\(getpid())")
    defer { try? FileManager.default.removeItem(at: folder) }
    let empty = folder.appendingPathComponent("empty"), resuming = folder.appendingPathComponent("resuming")
    // A store that left lesson 4's lab (its overlaid gradient panel, the 68-word passage) open.
    let (course, _, _) = try TutorCommand.load(lessons: lessons, models: models)
    guard let lesson = course.lessons.first(where: { $0.order == 4 }) else {
        throw CommandFailure("the shipped course has no lesson 4")
    }
    let (store, _) = ProgressStore.open(directory: resuming)
    try store.record([.position(lesson: lesson.id, depth: "basic", line: 0, at: Date()),
                      .lab(lesson: lesson.id, word: 0, cell: lesson.lab.cell.rawValue, sentence: nil)])

    /// One start: what `tutor` does before its first frame. Returns the frame's screen (for a check).
    func start(_ data: URL) throws -> TutorState.Screen.Kind {
        let (course, loaded, hashes) = try TutorCommand.load(lessons: lessons, models: models)
        let (store, _) = ProgressStore.open(directory: data)
        let progress = (try? store.snapshot(course: course, now: Date())) ?? ProgressSnapshot()
        var state = TutorState(course: course, models: loaded, modelHashes: hashes, width: 200, height: 60, ascii: false, color: true,
                               progress: progress)
        state.scheduler = store.scheduler
        _ = update(&state, .started)
        _ = view(state)
        return state.screen.kind
    }
    /// Median wall and process CPU milliseconds of `body` over the repetitions.
    func timed(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        var walls: [Double] = [], cpus: [Double] = []
        for _ in 0..<max(repetitions, 1) {
            let wall0 = DispatchTime.now().uptimeNanoseconds, cpu0 = processCPUMilliseconds()
            try body()
            cpus.append(processCPUMilliseconds() - cpu0)
            walls.append(Double(DispatchTime.now().uptimeNanoseconds - wall0) / 1e6)
        }
        return (median(walls), median(cpus))
    }
    print("start-up to the first frame at 200×60 (median of \(repetitions); wall and process CPU time)")
    for (name, data, screen) in [("empty progress store", empty, TutorState.Screen.Kind.course),
                                 ("resuming lesson 4", resuming, .lesson)] {
        guard try start(data) == screen else { throw CommandFailure("the \(name) start did not reach the \(screen) screen") }
        let (wall, cpu) = try timed { _ = try start(data) }
        print("  " + name.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "%7.1f ms (CPU %.1f ms)", wall, cpu))
    }
    // Where it goes, each part alone.
    func part(_ name: String, _ body: () throws -> Void) rethrows {
        let (wall, cpu) = try timed(body)
        print("  " + name.padding(toLength: 42, withPad: " ", startingAt: 0) + String(format: "%7.2f ms (CPU %.2f ms)", wall, cpu))
    }
    print("parts (each alone, median):")
    try part("reading the lessons") { _ = try CoursePack.load(directory: lessons) }
    try part("reading the \(models.count) models") { for path in models { _ = try Model.load(path: path) } }
    let loaded = try models.map { try Model.load(path: $0) }
    part("packing the heads (TutorState)") {
        _ = TutorState(course: course, models: loaded, width: 200, height: 60, ascii: false, color: true)
    }
    part("opening the store and reading it") {
        let (store, _) = ProgressStore.open(directory: resuming)
        _ = try? store.snapshot(course: course, now: Date())
    }
    let resumed = try ProgressStore.open(directory: resuming).store.snapshot(course: course, now: Date())
    var state = TutorState(course: course, models: loaded, width: 200, height: 60, ascii: false, color: true, progress: resumed)
    part("resuming lesson 4 (traces and axis probe)") {
        var fresh = state
        _ = update(&fresh, .started)
    }
    _ = update(&state, .started)
    part("lesson 4's first frame") { _ = view(state) }
}

/// CPU time of the whole process (every thread): what a start-up costs on a shared machine.
func processCPUMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
}
