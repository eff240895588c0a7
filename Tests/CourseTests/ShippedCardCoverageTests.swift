import Course
import Foundation
import Testing

/// Every term in a shipped glossary has a flashcard: some card's front names
/// the term (compared without case and without a trailing parenthesis, so
/// "candidate (GRU)" is covered by "GRU candidate (PyTorch)").
@Suite struct ShippedCardCoverageTests {
    static func bareTerm(_ term: String) -> String {
        var bare = term.lowercased()
        if bare.hasSuffix(")"), let open = bare.lastIndex(of: "("), open > bare.startIndex {
            bare = String(bare[..<open])
        }
        return bare.trimmingCharacters(in: .whitespaces)
    }

    @Test(.enabled(if: shippedLessonsExist, "lessons/ has no lesson files yet"))
    func everyGlossaryTermHasACard() throws {
        let pack = try CoursePack.load(directory: shippedLessonsFolder)
        let fronts = pack.flashcards.map { $0.front.lowercased() }
        let missing = pack.lessons.flatMap { lesson in
            lesson.glossary.map(\.term).filter { term in !fronts.contains { $0.contains(Self.bareTerm(term)) } }
                .map { "\(lesson.id): \($0)" }
        }
        #expect(missing == [])
        #expect(pack.lessons.flatMap(\.glossary).count > 50)
    }

    @Test func aTrailingParenthesisIsNotPartOfTheTerm() {
        #expect(Self.bareTerm("candidate (GRU)") == "candidate")
        #expect(Self.bareTerm("Adam") == "adam")
    }
}
