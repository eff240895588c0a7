import ArgumentParser
import Foundation

#if os(Linux)
// Keep freed blocks in the heap instead of returning them to the system: a
// trace allocates a few megabytes, and fresh pages from the kernel cost more
// (page faults and zeroing) than the arithmetic that fills them. glibc's
// mallopt is not in the Glibc module (malloc.h), hence the direct binding.
@_silgen_name("mallopt") func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
let glibcTrimThreshold: Int32 = -1, glibcMmapThreshold: Int32 = -3
_ = mallopt(glibcMmapThreshold, 256 << 20)
_ = mallopt(glibcTrimThreshold, 512 << 20)
#endif

// Every failure leaves as exit status 2 with one line on standard error:
// argument-parser's own usage errors (exit 64, several lines) included.
do {
    if CommandLine.arguments.dropFirst().first == "--version" {
        print(Version.describe())
        exit(0)
    }
    var command = try RNNTutor.parseAsRoot()
    try command.run()
} catch let failure as CommandFailure {
    FileHandle.standardError.write(Data("rnn-tutor: \(failure.message)\n".utf8))
    exit(2)
} catch {
    let code = RNNTutor.exitCode(for: error)
    if code == .success {
        RNNTutor.exit(withError: error)   // --help, --version
    }
    let firstLine = RNNTutor.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    FileHandle.standardError.write(Data("rnn-tutor: \(firstLine)\n".utf8))
    exit(2)
}
