import Foundation
import Testing

/// The full-screen tutor driven in tmux, as a learner would: keys in, the screen read back.
@Suite(.serialized, .enabled(if: TmuxSession.available, "tmux is not installed; .ci/run installs it"))
struct TutorScreenTests {
    @Test func aLearnerOpensALessonStepsTogglesAndQuits() throws {
        let session = try TmuxSession(width: 140, height: 45, command: BinaryRunner.executable,
                                      directory: BinaryRunner.packageRoot.path)
        defer { session.close() }
        try session.waitFor("Choose a lesson")
        #expect(session.screen().contains("1. Sequences and why order matters"))
        session.send("Down", "Enter")
        try session.waitFor("Sentence (RNN, word 1 of")
        session.send("Right")
        try session.waitFor("word 2: \"poured\"")
        session.send("2")
        try session.waitFor("Sentence (LSTM")
        #expect(session.screen().contains("gradient at word 1 is about 10^"))
        session.send("b")
        try session.waitFor("sweep done")
        session.send("?")
        try session.waitFor("Keys (any key closes)")
        session.send("x")
        session.resize(width: 60, height: 20)
        try session.waitFor("Tab")
        session.resize(width: 20, height: 6)
        try session.waitFor("Make the window")
        session.resize(width: 140, height: 45)
        try session.waitFor("Sentence (LSTM")
        session.send("C-c")
        try session.waitForExit()
    }

    @Test func withoutATerminalItSaysSoAndPointsToTheSubcommands() async throws {
        let outcome = try await BinaryRunner.run([], workingDirectory: BinaryRunner.packageRoot.path)
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("needs a terminal"))
    }
}

/// A tmux session running one command, polled rather than slept on.
struct TmuxSession {
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    let name = "rnn-tutor-test-\(getpid())-\(Int.random(in: 0..<1_000_000))"

    init(width: Int, height: Int, command: String, directory: String) throws {
        try Self.tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), "-c", directory,
                       "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color \(command); sleep 30"], output: false)
    }

    /// Runs tmux and returns what it printed. The first call starts the tmux
    /// server, which would inherit (and hold open) an output pipe, so commands
    /// whose output is not needed get none.
    @discardableResult
    static func tmux(_ arguments: [String], output: Bool = true) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard output else {
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return ""
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func screen() -> String { (try? Self.tmux(["capture-pane", "-p", "-t", name])) ?? "" }

    func send(_ keys: String...) { _ = try? Self.tmux(["send-keys", "-t", name] + keys, output: false) }

    func resize(width: Int, height: Int) {
        _ = try? Self.tmux(["resize-window", "-t", name, "-x", String(width), "-y", String(height)], output: false)
    }

    struct Timeout: Error, CustomStringConvertible {
        var waitingFor: String, screen: String
        var description: String { "timed out waiting for \"\(waitingFor)\"; the screen was:\n\(screen)" }
    }

    /// Polls the screen until it shows `text` (10 s at most).
    func waitFor(_ text: String) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if screen().contains(text) { return }
            usleep(50_000)
        }
        throw Timeout(waitingFor: text, screen: screen())
    }

    /// Polls until the program has ended (the shell line after it signals).
    func waitForExit() throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let panes = (try? Self.tmux(["list-panes", "-t", name, "-F", "#{pane_current_command}"])) ?? ""
            if !panes.contains("rnn-tutor") { return }
            usleep(50_000)
        }
        throw Timeout(waitingFor: "the tutor to exit", screen: screen())
    }

    func close() { _ = try? Self.tmux(["kill-session", "-t", name], output: false) }
}
