extension DialogueTurn {
    /// A speaker's name is short: `Teacher`, `Student`, `Maya`, `Student 2`.
    static let longestSpeaker = 24

    /// `Speaker: text` split at its first colon, or nil when what stands before
    /// the colon cannot be a name (no colon, a sentence, a URL's `https`).
    static func split(_ line: String) -> (speaker: String, text: String)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let speaker = line[..<colon].trimmingWhitespace()
        let text = line[line.index(after: colon)...].trimmingWhitespace()
        let words = speaker.split(separator: " ")
        guard !speaker.isEmpty, speaker.count <= longestSpeaker, words.count <= 3,
              speaker.first!.isLetter, speaker.first!.isUppercase,
              speaker.allSatisfy({ $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "'" || $0 == "." }),
              text.isEmpty || !text.hasPrefix("//") else { return nil }
        return (speaker, text)
    }
}
