import Foundation
import Testing

/// The full-screen tutor driven in tmux, as a learner would: keys in, the screen read back.
@Suite(.serialized, .enabled(if: TmuxSession.available, "tmux is not installed; .ci/run installs it"))
struct TutorScreenTests {
    @Test func aLearnerOpensALessonStepsTogglesAndQuits() async throws {
        try await TmuxSession.with(width: 140, height: 45, command: BinaryRunner.executable,
                                   directory: BinaryRunner.packageRoot.path) { session in
            try await session.waitFor("Choose a lesson")
            #expect(await session.screen().contains("1. Sequences and why order matters"))
            await session.send("Down", "Enter")
            try await session.waitFor("Sentence (RNN, word 1 of")
            await session.send("Right")
            try await session.waitFor("word 2: \"poured\"")
            await session.send("2")
            try await session.waitFor("Sentence (LSTM")
            #expect(await session.screen().contains("gradient at word 1 is about 10^"))
            await session.send("b")
            try await session.waitFor("sweep done")
            await session.send("?")
            try await session.waitFor("Keys (any key closes)")
            await session.send("x")
            await session.resize(width: 60, height: 20)
            try await session.waitFor("Tab")
            await session.resize(width: 20, height: 6)
            try await session.waitFor("Make the window")
            await session.resize(width: 140, height: 45)
            try await session.waitFor("Sentence (LSTM")
            await session.send("C-c")
            try await session.waitForExit()
        }
    }

    @Test func withoutATerminalItSaysSoAndPointsToTheSubcommands() async throws {
        let outcome = try await BinaryRunner.run([], workingDirectory: BinaryRunner.packageRoot.path)
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("needs a terminal"))
    }
}

/// A tmux session running one command, polled rather than slept on. Each
/// session has its own tmux server on its own socket, so tests never meet a
/// learner's tmux or each other, and `close` ends the server.
struct TmuxSession {
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    let name = "rnn-tutor-test-\(getpid())-\(Int.random(in: 0..<1_000_000))"
    var socket: String { FileManager.default.temporaryDirectory.appendingPathComponent(name + ".sock").path }
    var target: String { name + ":0" }

    init(width: Int, height: Int, command: String, directory: String, environment: [String: String] = [:]) async throws {
        let settings = (["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"].merging(environment) { $1 })
            .sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let started = try await tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height),
                                      "-c", directory, "env \(settings) \(command); sleep 30"])
        guard started.status == 0 else { throw Failure(what: "tmux could not start: \(started.standardError)") }
    }

    private func tmux(_ arguments: [String]) async throws -> ChildProcess.Outcome {
        try await ChildProcess.run("/usr/bin/tmux", ["-S", socket] + arguments, seconds: 10)
    }

    func screen() async -> String { (try? await tmux(["capture-pane", "-p", "-t", target]))?.standardOutput ?? "" }

    func send(_ keys: String...) async { _ = try? await tmux(["send-keys", "-t", target] + keys) }

    /// Types text literally (no key names), as a person typing would.
    func type(_ text: String) async { _ = try? await tmux(["send-keys", "-l", "-t", target, text]) }

    func resize(width: Int, height: Int) async {
        _ = try? await tmux(["resize-window", "-t", target, "-x", String(width), "-y", String(height)])
    }

    struct Failure: Error, CustomStringConvertible {
        var what: String
        var description: String { what }
    }

    /// Polls the screen until it shows `text` (10 s at most).
    func waitFor(_ text: String, seconds: Double = 10) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await screen().contains(text) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(what: "timed out waiting for \"\(text)\"; the screen was:\n\(await screen())")
    }

    /// Polls until the program has ended (the pane then runs the `sleep` after it).
    func waitForExit() async throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let panes = (try? await tmux(["list-panes", "-t", target, "-F", "#{pane_current_command}"]))?.standardOutput ?? ""
            if !panes.contains("rnn-tutor") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(what: "timed out waiting for the tutor to exit; the screen was:\n\(await screen())")
    }

    func close() async {
        _ = try? await tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: socket)
    }

    /// Runs `body` against a new session and always ends the session after.
    static func with(width: Int, height: Int, command: String, directory: String, environment: [String: String] = [:],
                     _ body: (TmuxSession) async throws -> Void) async throws {
        let session = try await TmuxSession(width: width, height: height, command: command, directory: directory,
                                            environment: environment)
        do { try await body(session) } catch { await session.close(); throw error }
        await session.close()
    }
}
