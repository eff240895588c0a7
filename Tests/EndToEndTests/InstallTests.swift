import Foundation
import Testing

/// scripts/install.sh as a user runs it, with the binary the tests already built:
/// install into a temporary prefix, use the installed binary from another
/// folder, save progress, reinstall, uninstall, and find the progress untouched.
@Suite(.serialized) struct InstallTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-install-\(UUID())").path
    var prefix: String { folder + "/prefix" }
    var elsewhere: String { folder + "/elsewhere" }
    var share: String { prefix + "/share/rnn-tutor" }
    /// No checkout, no system-wide install: only what the test puts there can be found.
    var environment: [String: String] {
        ["PREFIX": prefix, "HOME": folder + "/home", "XDG_DATA_HOME": prefix + "/share",
         "XDG_DATA_DIRS": folder + "/nowhere", "PATH": "/usr/bin:/bin", "TERM": "dumb"]
    }

    init() throws {
        for path in [elsewhere, folder + "/home"] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    }

    func script(_ arguments: [String]) async throws -> ChildProcess.Outcome {
        try await ChildProcess.run("/bin/sh", [BinaryRunner.packageRoot.appendingPathComponent("scripts/install.sh").path] + arguments,
                                   workingDirectory: elsewhere, environment: environment, seconds: 300)
    }

    func installed(_ arguments: [String], input: String? = nil) async throws -> ChildProcess.Outcome {
        try await ChildProcess.run(prefix + "/bin/rnn-tutor", arguments, workingDirectory: elsewhere,
                                   environment: environment, input: input, seconds: 120)
    }

    func contents(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func installRunAnywhereUninstallKeepsProgress() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let install = try await script(["--binary", BinaryRunner.executable])
        #expect(install.status == 0, "\(install.standardError)")
        #expect(install.standardOutput.contains("fpath=(\(prefix)/share/zsh/site-functions $fpath)"))
        let manifest = try #require(contents(share + "/install-manifest.txt")).split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
        for file in ["/bin/rnn-tutor", "/share/rnn-tutor/lessons/01-sequences.md", "/share/rnn-tutor/models/lstm.safetensors",
                     "/share/rnn-tutor/models/README.md", "/share/rnn-tutor/corpus/test.txt", "/share/rnn-tutor/VERSION",
                     "/share/bash-completion/completions/rnn-tutor", "/share/fish/vendor_completions.d/rnn-tutor.fish",
                     "/share/zsh/site-functions/_rnn-tutor"] {
            #expect(manifest.contains(prefix + file), "\(file) is not in the manifest")
            #expect(FileManager.default.fileExists(atPath: prefix + file), "\(file) was not installed")
        }
        #expect(manifest.allSatisfy { FileManager.default.fileExists(atPath: $0) })

        // From a folder that is not a checkout, the installed binary finds what it ships.
        let version = try await installed(["--version"])
        #expect(version.status == 0 && version.standardOutput.hasPrefix("rnn-tutor ") && version.standardOutput.contains("(commit "))
        let check = try await installed(["lessons", "check"])
        #expect(check.status == 0, "\(check.standardOutput)\(check.standardError)")
        let trace = try await installed(["trace", "--model", "lstm", "--text", "the cat sat on the mat ."])
        #expect(trace.status == 0 && trace.standardOutput.contains("\"cell\": \"lstm\""), "\(trace.standardError)")
        let review = try await installed(["review", "--plain"], input: "\n3\n")
        #expect(review.status == 0, "\(review.standardError)")
        let stats = try await installed(["stats"])
        #expect(stats.status == 0 && stats.standardOutput.contains("1 card"), "\(stats.standardOutput)")

        // Progress lives in the same folder as the install; neither reinstalling nor uninstalling touches it.
        try FileManager.default.createDirectory(atPath: share + "/backups", withIntermediateDirectories: true)
        try Data("a backup".utf8).write(to: URL(fileURLWithPath: share + "/backups/2026-12-05.sqlite"))
        let progress = try #require(contents(share + "/progress.sqlite"))
        #expect(try await script(["--binary", BinaryRunner.executable]).status == 0)
        #expect(contents(share + "/progress.sqlite") == progress)
        let uninstall = try await script(["--uninstall"])
        #expect(uninstall.status == 0, "\(uninstall.standardError)")
        for file in manifest { #expect(!FileManager.default.fileExists(atPath: file), "\(file) is still there") }
        #expect(!FileManager.default.fileExists(atPath: share + "/lessons") && !FileManager.default.fileExists(atPath: prefix + "/bin"))
        #expect(contents(share + "/progress.sqlite") == progress)
        #expect(contents(share + "/backups/2026-12-05.sqlite") == Data("a backup".utf8))
        let again = try await script(["--uninstall"])
        #expect(again.status == 2 && again.standardError.contains("no install to remove"))
    }

    @Test func aBinaryWithNothingBesideItSaysWhereItLooked() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lonely = folder + "/lonely/bin/rnn-tutor"
        try FileManager.default.createDirectory(atPath: folder + "/lonely/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: BinaryRunner.executable, toPath: lonely)
        let outcome = try await ChildProcess.run(lonely, ["trace", "--model", "lstm", "--text", "the cat"],
                                                 workingDirectory: elsewhere, environment: environment)
        #expect(outcome.status == 2)
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.count == 1)
        for place in ["$RNN_TUTOR_HOME", elsewhere, folder + "/lonely/share/rnn-tutor", folder + "/nowhere/rnn-tutor"] {
            #expect(outcome.standardError.contains(place), "\(outcome.standardError)")
        }
        // RNN_TUTOR_HOME points it at a folder with lessons/ and models/; a model path needs no search.
        var home = environment
        home["RNN_TUTOR_HOME"] = BinaryRunner.packageRoot.path
        let found = try await ChildProcess.run(lonely, ["trace", "--model", "gru", "--text", "the cat"],
                                               workingDirectory: elsewhere, environment: home)
        #expect(found.status == 0, "\(found.standardError)")
        let unknown = try await ChildProcess.run(lonely, ["trace", "--model", "transformer", "--text", "the cat"],
                                                 workingDirectory: elsewhere, environment: home)
        #expect(unknown.status == 2 && unknown.standardError.contains("no shipped model has that name"))
    }
}
