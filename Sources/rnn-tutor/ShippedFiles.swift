import Foundation

/// Where the shipped lessons and models are, wherever the binary runs from.
/// The places are tried in this order, and the first that has both `lessons/`
/// and `models/` wins (`--lessons` and `--model` bypass the search for what they name):
///  1. `$RNN_TUTOR_HOME` (when set, it must be such a folder);
///  2. the current directory, when it is a checkout (`Package.swift`, `lessons/`, `models/`);
///  3. the checkout the binary was built in (walking up from the binary);
///  4. `<binary>/../share/rnn-tutor` (what scripts/install.sh makes);
///  5. `rnn-tutor` in each folder of `$XDG_DATA_DIRS` (default /usr/local/share:/usr/share).
enum ShippedFiles {
    /// The shipped models, by the name `--model` accepts.
    static let modelNames = ["rnn", "lstm", "gru"]
    /// Names `--model` accepts: the three above (the tutor's default set) and the stacked LSTM.
    static let acceptedNames = modelNames + ["lstm2"]

    /// The folder holding `lessons/` and `models/`, or a failure naming every place looked.
    static func root() throws -> URL { try search().get() }

    static func lessonsFolder() throws -> String { try root().appendingPathComponent("lessons").path }

    /// `--model`: a path as it is, or the name of a shipped model (`lstm`).
    static func modelPath(_ nameOrPath: String) throws -> String {
        let isName = !nameOrPath.contains("/") && !nameOrPath.hasSuffix(".safetensors")
        guard isName, !FileManager.default.fileExists(atPath: nameOrPath) else { return nameOrPath }
        guard acceptedNames.contains(nameOrPath) else {
            throw CommandFailure("\(nameOrPath): no such model file, and no shipped model has that name (the shipped ones: \(acceptedNames.joined(separator: ", ")))")
        }
        return try root().appendingPathComponent("models/\(nameOrPath).safetensors").path
    }

    /// A shipped data file: `NAME` under the installed share folder, else `data/NAME` in a checkout.
    static func dataFile(_ name: String) throws -> String {
        let root = try root()
        let installed = root.appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: installed) ? installed : root.appendingPathComponent("data/" + name).path
    }

    /// The held-out corpus text.
    static func heldOutText() throws -> String { try dataFile("corpus/test.txt") }

    static var shippedModelPaths: [String] {
        get throws { try modelNames.map { try modelPath($0) } }
    }

    // MARK: - The search

    private static func search() -> Result<URL, CommandFailure> {
        let fm = FileManager.default
        func isDirectory(_ url: URL) -> Bool {
            var directory: ObjCBool = false
            return fm.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
        }
        func hasShippedFiles(_ url: URL) -> Bool {
            isDirectory(url.appendingPathComponent("lessons")) && isDirectory(url.appendingPathComponent("models"))
        }
        func isCheckout(_ url: URL) -> Bool {
            fm.fileExists(atPath: url.appendingPathComponent("Package.swift").path) && hasShippedFiles(url)
        }
        var looked: [String] = []
        let environment = ProcessInfo.processInfo.environment

        if let home = environment["RNN_TUTOR_HOME"], !home.isEmpty {
            let url = URL(fileURLWithPath: home)
            if hasShippedFiles(url) { return .success(url) }
            return .failure(CommandFailure("RNN_TUTOR_HOME is \(home), which has no lessons/ and models/ folders; unset it or point it at a folder that has them"))
        }
        looked.append("$RNN_TUTOR_HOME (not set)")

        let here = URL(fileURLWithPath: fm.currentDirectoryPath)
        if isCheckout(here) { return .success(here) }
        looked.append("\(here.path) (the current directory, not a checkout)")

        let binaryFolder = executableURL().deletingLastPathComponent()
        if let checkout = buildCheckout(of: binaryFolder, isCheckout: isCheckout) { return .success(checkout) }
        looked.append("the folders above \(binaryFolder.path) (no checkout)")

        let share = binaryFolder.deletingLastPathComponent().appendingPathComponent("share/rnn-tutor").standardized
        if hasShippedFiles(share) { return .success(share) }
        looked.append(share.path)

        let dataDirs = (environment["XDG_DATA_DIRS"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/local/share:/usr/share")
            .split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("rnn-tutor") }
        if let found = dataDirs.first(where: hasShippedFiles) { return .success(found) }
        looked += dataDirs.map(\.path)

        return .failure(CommandFailure("cannot find the shipped lessons and models; looked in "
                                       + looked.joined(separator: ", ")
                                       + "; set RNN_TUTOR_HOME, give --lessons/--model, or install with scripts/install.sh"))
    }

    /// The checkout a binary under `.build/` was built in: up to five folders above it.
    static func buildCheckout(of binaryFolder: URL, isCheckout: (URL) -> Bool) -> URL? {
        var candidate = binaryFolder
        for _ in 0..<5 {
            if isCheckout(candidate) { return candidate }
            candidate.deleteLastPathComponent()
        }
        return nil
    }

    /// The running binary, symlinks resolved; found through /proc on Linux, since
    /// argv[0] is a bare name when the shell found the binary on the PATH.
    static func executableURL() -> URL {
        #if os(Linux)
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: target)
        }
        #endif
        if let path = Bundle.main.executablePath { return URL(fileURLWithPath: path).resolvingSymlinksInPath() }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    }
}
