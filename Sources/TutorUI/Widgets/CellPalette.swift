import RNNCore

/// One colour per cell type, wherever a cell is drawn (the gradient overlay, the race,
/// the explorer), so the LSTM is the same colour on every screen whatever order the
/// models were loaded in. Without colour, the cell's first letter stands in.
public enum CellPalette {
    public static func color(_ cell: CellKind) -> Color {
        switch cell {
        case .rnn: .red
        case .lstm: .green
        case .gru: .blue
        }
    }

    /// The colour's name, for legends.
    static func colorName(_ cell: CellKind) -> String {
        switch cell {
        case .rnn: "red"
        case .lstm: "green"
        case .gru: "blue"
        }
    }

    /// The letter that marks the cell's points and bars when colour cannot ("r", "l", "g").
    static func letter(_ cell: CellKind) -> String { String(cell.rawValue.prefix(1)) }

    static func style(_ cell: CellKind) -> Style { Style(foreground: color(cell)) }

    /// "LSTM green", or "LSTM l" when letters mark the cells.
    static func legend(_ cell: CellKind, _ options: RenderOptions) -> String {
        cell.displayName + " " + (options.letters ? letter(cell) : colorName(cell))
    }
}
