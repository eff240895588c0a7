// swift-tools-version: 6.1
import PackageDescription

// The numerics are written with SIMD types; on x86-64 they only become AVX2/FMA
// instructions when the compiler may assume a Haswell-class core (2013 on).
// Without it, every fused multiply-add is a library call and a trace is ~10x slower.
#if arch(x86_64)
let fastMath: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let fastMath: [SwiftSetting] = []
#endif

let package = Package(
    name: "rnn-tutor",
    products: [
        .executable(name: "rnn-tutor", targets: ["rnn-tutor"]),
        .library(name: "RNNCore", targets: ["RNNCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Numerics: tensors, cells, BPTT. Knows nothing of files or terminals.
        .target(name: "RNNCore", dependencies: ["CKernels"], swiftSettings: fastMath),
        // The matrix product's and the softmax's inner loops for AVX-512, in C with intrinsics
        // (Swift's SIMD types compile to 8-wide code here). RNNCore picks them at run time where
        // the CPU has AVX-512 (RNN_TUTOR_KERNEL=portable declines them); its Swift loops stay the
        // portable path, with the same bits.
        .target(name: "CKernels"),
        // The model file contract: safetensors, metadata, vocabulary, tokenizer.
        // Haswell too: half-precision weights widen eight at a time as a model loads.
        .target(name: "ModelFile", dependencies: ["RNNCore"], swiftSettings: fastMath),
        // What the panels and `rnn-tutor trace` show: one traced sentence.
        .target(name: "Trace", dependencies: ["RNNCore", "ModelFile"]),
        // Lessons, quizzes and flashcards: parsed and validated once.
        .target(name: "Course", dependencies: ["ModelFile", .product(name: "Yams", package: "Yams")]),
        // Guided lab tasks run against real models: measures, keyed answers, verdicts (no terminal).
        .target(name: "Lab", dependencies: ["Course", "Trace", "ModelFile", "RNNCore"]),
        // Spaced repetition and quiz marking: the FSRS-6 scheduler, pure functions of a review log.
        .target(name: "Practice", dependencies: ["Course"]),
        // The learner's saved progress: one SQLite file (GRDB), its backups and recovery.
        .target(name: "ProgressStore", dependencies: ["Practice", "Course", .product(name: "GRDB", package: "GRDB.swift")]),
        // The only code that touches the terminal: ncurses draws a finished grid and reads keys.
        .systemLibrary(name: "CNcurses", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),
        .target(name: "Terminal", dependencies: ["CNcurses", "TerminalGrid"]),
        // What the terminal draws and reads: the grid of styled cells, keys and escape sequences.
        .target(name: "TerminalGrid"),
        // The tutor's screens as pure functions of state into a grid of cells (no terminal).
        .target(name: "TutorUI", dependencies: ["TerminalGrid", "Trace", "RNNCore", "ModelFile", "Course", "Practice", "Lab"]),
        .executableTarget(
            name: "rnn-tutor",
            dependencies: [
                "RNNCore", "ModelFile", "Trace", "Course", "TutorUI", "Terminal", "Practice", "ProgressStore", "Lab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "RNNCoreTests", dependencies: ["RNNCore"]),
        .testTarget(name: "TerminalGridTests", dependencies: ["TerminalGrid"]),
        .testTarget(name: "CourseTests", dependencies: ["Course"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "Course", "ModelFile", "RNNCore", "Trace"]),
        .testTarget(name: "PracticeTests", dependencies: ["Practice", "Course"]),
        .testTarget(
            name: "ProgressStoreTests",
            dependencies: ["ProgressStore", "Practice", "Course", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "TutorUITests", dependencies: ["TutorUI", "Trace", "ModelFile", "RNNCore", "Course", "Practice", "ProgressStore", "Lab"],
            exclude: ["Fixtures", "Golden"]),
        .testTarget(name: "ModelFileTests", dependencies: ["ModelFile", "RNNCore"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "TraceTests", dependencies: ["Trace", "ModelFile", "RNNCore"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Trace", "ModelFile", "RNNCore", "ProgressStore", "Practice", "Course",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            exclude: ["Fixtures"]),
    ]
)
