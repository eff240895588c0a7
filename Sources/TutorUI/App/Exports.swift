// The grid of cells and the keys are the tutor's vocabulary with the terminal layer: every
// screen draws into a `CellGrid` and reads `Key`s, so they come with TutorUI.
@_exported import TerminalGrid
