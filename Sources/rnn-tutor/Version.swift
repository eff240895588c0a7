import Foundation

/// `rnn-tutor --version`: the release number, and the commit when the binary
/// came from a checkout. SwiftPM has no build-time hook that needs no plugin,
/// so the commit is found where it is known:
///  - installed by scripts/install.sh: the `VERSION` file it writes beside the
///    lessons (`<binary>/../share/rnn-tutor/VERSION`), recorded at install time;
///  - run from the checkout it was built in (`swift run`, `.build/…/rnn-tutor`):
///    asked of git at run time (the checkout's HEAD, "+ changes" when the work
///    tree differs from it); without git, the commit is "unknown".
enum Version {
    static let number = "0.9.0"

    static func describe() -> String {
        let binaryFolder = ShippedFiles.executableURL().deletingLastPathComponent()
        let recorded = binaryFolder.deletingLastPathComponent().appendingPathComponent("share/rnn-tutor/VERSION")
        if let text = try? String(contentsOf: recorded, encoding: .utf8),
           let line = text.split(whereSeparator: \.isNewline).first, !line.isEmpty {
            return "rnn-tutor \(line)"
        }
        let fm = FileManager.default
        if let checkout = ShippedFiles.buildCheckout(of: binaryFolder, isCheckout: {
            fm.fileExists(atPath: $0.appendingPathComponent("Package.swift").path)
        }) {
            return "rnn-tutor \(number) (commit \(commit(of: checkout) ?? "unknown: git could not read \(checkout.path)"))"
        }
        return "rnn-tutor \(number)"
    }

    /// "abc1234" or "abc1234 + changes", from git; nil without git or a repository.
    static func commit(of checkout: URL) -> String? {
        guard let head = git(["rev-parse", "--short=12", "HEAD"], in: checkout), !head.isEmpty else { return nil }
        let changes = git(["status", "--porcelain", "--untracked-files=no"], in: checkout) ?? ""
        return changes.isEmpty ? head : head + " + changes"
    }

    private static func git(_ arguments: [String], in folder: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
