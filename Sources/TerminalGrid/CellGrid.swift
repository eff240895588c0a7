/// A frame of the screen as plain data: width × height cells, each one
/// character with a style. Views draw into a grid; only the terminal layer
/// copies a grid to the real screen, so every view can be tested as text.
public struct CellGrid: Equatable, Sendable {
    public struct Cell: Equatable, Sendable {
        /// One grapheme; "" for the second column of a wide character.
        public var text: String
        public var style: Style
        public static let blank = Cell(text: " ", style: .plain)
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        cells = [Cell](repeating: .blank, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` from (x, y) on one line, clipped to `clip` (and the grid).
    /// Returns the columns used. Wide characters take two columns and are
    /// never cut in half; control characters are shown as "�".
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let area = (clip ?? bounds).intersection(bounds)
        guard y >= area.y, y < area.maxY else { return 0 }
        var column = x
        for character in text {
            let shown = character.isControlCharacter ? "�" : String(character)
            let w = displayWidth(of: character)
            if column + w > area.maxX { break }
            if column >= area.x {
                self[column, y] = Cell(text: shown, style: style)
                if w == 2 { self[column + 1, y] = Cell(text: "", style: style) }
            }
            column += w
        }
        return column - x
    }

    /// Fills a rectangle with one character.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
        let area = rect.intersection(bounds)
        for y in area.y..<area.maxY { for x in area.x..<area.maxX { self[x, y] = Cell(text: String(character), style: style) } }
    }

    /// Changes the style of cells without changing their text (highlighting a column, say).
    public mutating func restyle(_ rect: Rect, _ change: (inout Style) -> Void) {
        let area = rect.intersection(bounds)
        for y in area.y..<area.maxY { for x in area.x..<area.maxX { change(&self[x, y].style) } }
    }

    /// The characters of one row, trailing spaces kept.
    public func line(_ y: Int) -> String { (0..<width).map { self[$0, y].text }.joined() }

    /// The whole frame as text, one line per row, trailing spaces trimmed: what tests compare.
    public var text: String {
        (0..<height).map { y in
            var line = Substring(line(y))
            while line.last == " " { line = line.dropLast() }
            return String(line)
        }.joined(separator: "\n")
    }
}

extension Character {
    var isControlCharacter: Bool {
        // General category Cc is exactly C0, DEL and C1 (fixed by Unicode's stability policy):
        // a range test, not a property lookup for every cell of every frame.
        unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }
}

/// Columns a character takes in a terminal: 2 for East Asian wide and
/// emoji-presentation characters, 0 for a lone combining mark, else 1.
public func displayWidth(of character: Character) -> Int {
    guard let first = character.unicodeScalars.first else { return 0 }
    if first.value < 0x300 { return 1 }   // Latin text: the common case, no property lookups
    // Punctuation, arrows, mathematical signs, box drawing, block elements and the shapes the
    // panels draw with: one column, with no emoji among them (⌚ and friends live at 0x2300–0x23FF
    // and ◽◾ at 0x25FD–0x25FE, so those stay with the lookups). A test checks every scalar here.
    if (0x2000...0x22FF).contains(first.value) || (0x2400...0x25FC).contains(first.value) { return 1 }
    let category = first.properties.generalCategory
    if category == .nonspacingMark || category == .enclosingMark { return 1 }
    if first.properties.isEmojiPresentation { return 2 }
    switch first.value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
         0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
         0x20000...0x2FFFD, 0x30000...0x3FFFD:
        return 2
    default:
        return 1
    }
}

/// Columns a string takes.
public func displayWidth(of text: String) -> Int { text.reduce(0) { $0 + displayWidth(of: $1) } }

extension CellGrid {
    /// One ASCII character for each symbol the screens use, for `--ascii`.
    static let asciiFallback: [String: String] = [
        "·": ".", "•": "*", "…": ".", "—": "-", "–": "-", "−": "-", "×": "x", "÷": "/", "±": "+", "≈": "~", "≤": "<", "≥": ">",
        "←": "<", "→": ">", "↑": "^", "↓": "v", "↔": "-", "⇅": "=", "▶": ">", "▲": "^", "▼": "v", "✓": "v", "✗": "x", "⚠": "!",
        "▏": "|", "│": "|", "┄": ".", "─": "-", "∎": "=", "‖": "|", "∂": "d", "⊙": "*", "σ": "s", "τ": "t", "°": "o",
        "ₜ": "t", "₀": "0", "₁": "1", "ᵢ": "i", "²": "2", "³": "3", "“": "\"", "”": "\"", "‘": "'", "’": "'",
        "é": "e", "è": "e", "à": "a", "ü": "u", "ö": "o", "ï": "i", "ç": "c",
    ]

    /// Whether the ASCII fold spells this cell's text with a character of its own, rather
    /// than the "?" it shows for a symbol it does not know.
    public static func foldSpells(_ text: String) -> Bool {
        text.isEmpty || text.allSatisfy(\.isASCII) || asciiFallback[text] != nil
    }

    /// Makes every cell plain ASCII: the screens already spell most things in ASCII under
    /// `--ascii`; this catches the rest (lesson symbols, a learner's own Unicode) one cell at a time,
    /// so a terminal without Unicode never receives a byte it cannot show.
    public mutating func foldToASCII() {
        for i in cells.indices {
            let text = cells[i].text
            guard !text.allSatisfy(\.isASCII) else { continue }
            cells[i].text = text.isEmpty ? " " : (Self.asciiFallback[text] ?? "?")
        }
    }
}
