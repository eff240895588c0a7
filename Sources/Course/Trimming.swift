/// Trimming without Foundation's round trip through NSString, which was the largest single
/// cost of reading the course at start-up. Same sets as Foundation's `CharacterSet.whitespaces`
/// (tab and the space separators) and `.whitespacesAndNewlines` (those, the line and paragraph
/// separators, U+000A–U+000D and U+0085), trimmed scalar by scalar as NSString does.
extension StringProtocol {
    func trimmingWhitespace() -> String { String(self).trimmingScalars(where: isSpace) }
    func trimmingWhitespaceAndNewlines() -> String { String(self).trimmingScalars(where: isSpaceOrNewline) }
}

extension String {
    fileprivate func trimmingScalars(where drop: (Unicode.Scalar) -> Bool) -> String {
        // Nearly every line starts and ends with an ASCII character that stays: nothing to trim.
        if let first = utf8.first, let last = utf8.last, first < 0x80, last < 0x80,
           !drop(Unicode.Scalar(first)), !drop(Unicode.Scalar(last)) { return self }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !drop($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !drop($0) })!
        if start == scalars.startIndex && scalars.index(after: end) == scalars.endIndex { return self }
        return String(scalars[start...end])
    }
}

private func isSpace(_ s: Unicode.Scalar) -> Bool {
    if s.isASCII { return s == " " || s == "\t" }
    return s.properties.generalCategory == .spaceSeparator
}

private func isSpaceOrNewline(_ s: Unicode.Scalar) -> Bool {
    if s.isASCII { return s == " " || (0x09...0x0D).contains(s.value) }
    switch s.properties.generalCategory {
    case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
    default: return s.value == 0x85
    }
}

extension String {
    /// `hasPrefix(prefix)` for an ASCII `prefix`, after a look at the first byte: a line that cannot
    /// start with it (nearly every line) is ruled out without comparing Characters. A line that starts
    /// with a non-ASCII character still goes to `hasPrefix`, which takes U+1FEF for a backtick.
    func hasASCIIPrefix(_ prefix: StaticString) -> Bool {
        guard let first = utf8.first, first == prefix.utf8Start.pointee || first >= 0x80 else { return false }
        return hasPrefix(prefix.description)
    }
}
