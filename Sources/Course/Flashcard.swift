import Yams

/// One flashcard: a prompt on the front, the answer on the back.
public struct Flashcard: Equatable, Sendable {
    /// Stable, unique in the pack: the learner's review history is keyed by it.
    public var id: String
    public var front: String
    public var back: String
    public var lessonID: String
    /// The lowest depth whose text teaches the fact: a learner below it is not introduced to the card.
    public var depth: LessonDepth

    public init(id: String, front: String, back: String, lessonID: String, depth: LessonDepth = .standard) {
        self.id = id
        self.front = front
        self.back = back
        self.lessonID = lessonID
        self.depth = depth
    }

    /// Reads one entry of `cards:`; nil when it cannot be used (the problems say why).
    static func read(_ node: Node, lessonID: String, problems: inout FileProblems, ids: inout [(id: String, line: Int)],
                     links: inout [LessonLinkUse]) -> Flashcard? {
        guard var fields = YAMLMapping(node, what: "a card", keys: ["id", "depth", "front", "back"], problems: &problems) else { return nil }
        let id = fields.text("id", problems: &problems)
        if let id {
            fields.what = "card \(quoted(id))"
            ids.append((id, fields.line("id")))
            if !isValidID(id) { problems.error(fields.line("id"), "card id \(quoted(id)) must be \(idRule)") }
        }
        let depth = readDepth(fields, problems: &problems)
        let front = proseText("front", fields, &problems, &links)
        let back = proseText("back", fields, &problems, &links)
        guard let id, let front, let back else { return nil }
        return Flashcard(id: id, front: front, back: back, lessonID: lessonID, depth: depth)
    }
}
