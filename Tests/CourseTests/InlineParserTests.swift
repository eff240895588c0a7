@testable import Course
import Foundation
import Testing

/// The inline scanner reads UTF-8 units, not `Character`s: these pin what it makes of each
/// kind of inline Markdown, and of the Unicode around it, so that a faster scanner keeps the results.
@Suite struct InlineParserTests {
    @Test func codeSpansOfSeveralBackticks() {
        #expect(Inline.parse("a ``x ` y`` b") == [.text("a "), .code("x ` y"), .text(" b")])
        #expect(Inline.parse("`` x ``") == [.code("x")])   // a fence of two or more trims
        #expect(Inline.parse("` x `") == [.code(" x ")])   // a single backtick keeps the spaces
        #expect(Inline.parse("`a\nb`") == [.code("a b")])
    }

    @Test func nestedEmphasisAndLoneStars() {
        #expect(Inline.parse("*a **b** c*") == [.emphasis([.text("a "), .strong([.text("b")]), .text(" c")])])
        #expect(Inline.parse("**the *key* idea**") == [.strong([.text("the "), .emphasis([.text("key")]), .text(" idea")])])
        #expect(Inline.parse("a * b*") == [.text("a * b*")])   // a star before a space is a plain star
        #expect(Inline.parse("2 * 3 *4*") == [.text("2 * 3 "), .emphasis([.text("4")])])
        #expect(Inline.parse("**a*") == [.text("*"), .emphasis([.text("a")])])
    }

    @Test func linksImagesAndHTML() {
        let links = parsed("[the cell](lesson:cell) and [x](https://a.b) or [y](notes.md)")
        #expect(links.inlines == [.lessonLink(id: "cell", text: "the cell"), .text(" and x or y")])
        #expect(links.problems == [
            "f:3: links to the web are not allowed in the text; put the source in the references block",
            "f:3: a link must go to another lesson, written [text](lesson:id), not \"notes.md\"",
        ])
        #expect(links.links == ["cell@3"])
        #expect(parsed("[](lesson:x)").problems == ["f:3: the link to lesson \"x\" has no text: write [the words](lesson:x)"])

        let image = parsed("![a cat](lesson:x) after")
        #expect(image.inlines == [.text(" after")])
        #expect(image.problems == ["f:3: images are not part of the lesson format; describe the picture in words"])

        let html = parsed("x <b>bold</b> <br/> <a href=\"x\">y</a> <!-- c")
        #expect(html.inlines == [.text("x <b>bold</b> <br/> <a href=\"x\">y</a> <!-- c")])
        #expect(html.problems.map { $0.replacingOccurrences(of: " is not allowed (write it in backticks if it is meant literally)", with: "") }
                == ["f:3: raw HTML <b>", "f:3: raw HTML </b>", "f:3: raw HTML <br/>", "f:3: raw HTML <a href=\"x\">", "f:3: raw HTML </a>", "f:3: raw HTML <!--"])
        #expect(parsed("a < b and 3<4 and <3").problems == [])
    }

    @Test func webAddressesAfterLettersOfAnyScriptAreWords() {
        let result = parsed("éhttp://x.y and →http://x.y. and 日本www.x.y and (www.q.z).")
        #expect(result.inlines == [.text("éhttp://x.y and →http://x.y. and 日本www.x.y and (www.q.z).")])
        #expect(result.problems == [
            "f:3: web address http://x.y is not allowed in the text; put the source in the references block",
            "f:3: web address www.q.z is not allowed in the text; put the source in the references block",
        ])
    }

    @Test func combiningMarksAndEmojiSurviveUnchanged() {
        let text = "cafe\u{301} 👍🏽 🇫🇷 and *e\u{301}*"
        let result = Inline.parse(text)
        #expect(result == [.text("cafe\u{301} 👍🏽 🇫🇷 and "), .emphasis([.text("e\u{301}")])])
        // Scalar for scalar, not just canonically equal.
        #expect(Array(result.plainText.unicodeScalars) == Array("cafe\u{301} 👍🏽 🇫🇷 and e\u{301}".unicodeScalars))
        // A backtick with a combining mark on it is one character, and opens no code span.
        #expect(Inline.parse("a `\u{301} b") == [.text("a `\u{301} b")])
        #expect(Inline.parse("line one\nline two") == [.text("line one line two")])
    }

    @Test func problemsNameTheirLineInAParagraph() {
        var pack = EditedPack()
        pack.edit("01-sequences.md", "Six words and a full stop.", "Six words and\na full <b>stop</b>.")
        let line = lineNumber(of: "Six words", in: Fixture.sequences) + 1
        #expect(pack.problems == [
            "pack/01-sequences.md:\(line): raw HTML <b> is not allowed (write it in backticks if it is meant literally)",
            "pack/01-sequences.md:\(line): raw HTML </b> is not allowed (write it in backticks if it is meant literally)",
        ])
    }

    @Test func windowsLineEndingsAndTabsAreReportedOnTheirLines() throws {
        var pack = EditedPack()
        pack.edit("01-sequences.md", "Six words and a full stop.", "Six words and\ta full stop.")
        pack.files["01-sequences.md"] = pack.files["01-sequences.md"]!.replacingOccurrences(of: "\n", with: "\r\n")
        let tabLine = lineNumber(of: "Six words", in: Fixture.sequences)
        #expect(pack.problems == [
            "pack/01-sequences.md:1: the file has Windows line endings (CR LF); save it with LF line endings",
            "pack/01-sequences.md:\(tabLine): a tab character; indent with spaces",
        ])
        // The carriage returns are screened out and the tab is a space: the text reads as before.
        let lesson = try #require(pack.report().pack.lessons.first { $0.id == "sequences" })
        #expect(String(describing: lesson.parts).contains("Six words and a full stop."))
        #expect(!String(describing: lesson.parts).contains("\r"))
    }

    /// The scanner reads a text by scalars when each scalar is a character of its own; `standsAlone`
    /// names the scalars for which that holds. Checked here for every one of them.
    @Test func scalarsThatStandAloneAreCharactersOfTheirOwn() {
        let ascii = (0..<128).map { Character(Unicode.Scalar(UInt8($0))) }
        let neighbours: [Unicode.Scalar] = ["a", " ", "\n", "\r", "\t", "`", "*", "\u{E9}", "\u{3C3}", "\u{2192}", "\u{2500}"]
        var wrong: [String] = []
        for value in UInt32(0x80)..<0x3000 where InlineParser.UnitText.standsAlone(value) {
            let scalar = Unicode.Scalar(value)!
            if ascii.contains(Character(scalar)) { wrong.append("U+\(String(value, radix: 16)) equals ASCII") }
            for other in neighbours + [scalar] {
                for pair in [[scalar, other], [other, scalar]] {
                    var view = String.UnicodeScalarView()
                    view.append(contentsOf: pair)
                    if String(view).count != 2 { wrong.append("U+\(String(value, radix: 16)) joins U+\(String(other.value, radix: 16))") }
                }
            }
        }
        #expect(wrong == [])
        #expect(!InlineParser.UnitText.standsAlone(0x301) && !InlineParser.UnitText.standsAlone(0x1F44D))
    }
}

/// `InlineParser.parse` with its problems and links as text.
private func parsed(_ text: String) -> (inlines: [Inline], problems: [String], links: [String]) {
    var problems = FileProblems(file: "f")
    var links: [LessonLinkUse] = []
    let inlines = InlineParser.parse(text, firstLine: 3, problems: &problems, links: &links)
    return (inlines, problems.found.map(\.description), links.map { "\($0.id)@\($0.line)" })
}

/// The 1-based line of `text` that holds `marker`.
private func lineNumber(of marker: String, in text: String) -> Int {
    text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(marker) }! + 1
}
