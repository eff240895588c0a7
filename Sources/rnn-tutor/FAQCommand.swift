import ArgumentParser
import Course
import Foundation

/// `rnn-tutor faq [QUERY] --plain`: the course's questions and answers that match, as plain text.
struct FAQCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faq",
        abstract: "Print the course's questions and answers that match QUERY (--plain).",
        discussion: """
            Without QUERY every entry is printed. An entry matches when its question, answer or the titles of \
            its lessons hold every word of QUERY (case and accents ignored; a word may be the start of a longer \
            one). Each answer ends with the lessons that go deeper. Exits 0 when something matches, 1 when \
            nothing does. In the tutor, f on the course screen opens the same questions as a list that narrows \
            as you type.
            """)

    @Argument(parsing: .remaining, help: "Words to look for (all must match).") var query: [String] = []
    @Flag(help: "Plain text on standard output (for screen readers and scripts).") var plain = false
    @OptionGroup var pack: LessonsOption

    func run() throws {
        guard plain else {
            throw CommandFailure("the full-screen FAQ opens from the tutor (f on the course screen); to print it here add --plain")
        }
        let course = try pack.load()
        guard !course.faq.isEmpty else { throw CommandFailure("this lesson pack has no FAQ (faq.yaml)") }
        let words = query.joined(separator: " ")
        let found = course.faqEntries(matching: words)
        guard !found.isEmpty else {
            Plain.say("No question matches \"\(words)\" (\(course.faq.count) in the FAQ); try fewer or shorter words.")
            Foundation.exit(1)
        }
        Plain.say(words.isEmpty ? "\(found.count) questions and answers." : "\(found.count) of \(course.faq.count) questions match \"\(words)\".")
        for entry in found {
            Plain.say()
            Plain.say("Q: " + Plain.text(entry.question))
            for (i, paragraph) in entry.answer.enumerated() {
                Plain.say((i == 0 ? "A: " : "   ") + Self.plainText(paragraph, course))
            }
            let deeper = entry.see.compactMap { course.lesson(id: $0) }.map { "lesson \($0.order), \"\(Plain.text($0.title))\"" }
            Plain.say("   Go deeper: " + deeper.joined(separator: "; ") + ".")
        }
    }

    /// A paragraph's words, each link followed by the number of the lesson it opens.
    static func plainText(_ inlines: [Inline], _ course: CoursePack) -> String {
        inlines.map { inline in
            if case .lessonLink(let id, let text) = inline, let lesson = course.lesson(id: id) {
                return "\(text) (lesson \(lesson.order))"
            }
            return inline.plainText
        }.joined()
    }
}
