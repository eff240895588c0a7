import CNcurses
import Foundation
import Synchronization
import TerminalGrid

/// Set by SIGTERM or SIGHUP; the loop then quits as after Ctrl-C.
private let quitSignal = Atomic<Int32>(0)

/// The only code that calls ncurses: it starts and always restores the
/// terminal, copies a finished grid to the screen, and turns keys into messages.
public final class TerminalScreen {
    public let colors: Bool
    private var colorPairs: [Int: Int16] = [:]
    private var maxPairs = 0

    /// Starts full-screen mode. `colors` is false under NO_COLOR or --no-color.
    public init(colors wanted: Bool) {
        setlocale(LC_ALL, "")
        setenv("ESCDELAY", "25", 0)   // Esc should not wait a full second for a sequence
        initscr()
        raw()                         // Ctrl-C arrives as a key, so quitting restores the terminal
        noecho()
        keypad(rnn_stdscr(), true)
        curs_set(0)
        timeout(40)                   // get_wch returns every 40 ms even without a key: the tick
        colors = wanted && has_colors()
        if colors {
            start_color()
            use_default_colors()
            maxPairs = Int(rnn_color_pairs())
        }
        TerminalScreen.installRestoreOnSignals()
    }

    /// Restores the terminal (safe to call twice).
    public func stop() { endwin() }

    public var size: (width: Int, height: Int) { (Int(getmaxx(rnn_stdscr())), Int(getmaxy(rnn_stdscr()))) }

    public func draw(_ grid: CellGrid) {
        erase()
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if cell.text.isEmpty { continue }
                attrset(attributes(for: cell.style))
                mvaddstr(Int32(y), Int32(x), cell.text)
            }
        }
        attrset(0)
        refresh()
    }

    /// The signal (SIGTERM, SIGHUP) that ended the tutor, if one did: the exit status is 128 + it.
    public var endingSignal: Int32? {
        let number = quitSignal.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }

    /// The next key or new size, or `.tick` when no key came within the timeout.
    public func nextInput() -> TerminalInput {
        // A SIGTERM or SIGHUP arrives as Ctrl-C: quit, saving the place.
        if quitSignal.load(ordering: .relaxed) != 0 { return .key(.controlC) }
        var character: wint_t = 0
        let result = get_wch(&character)
        if result == ERR { return resizedSinceLastLook() ?? .tick }
        if result == KEY_CODE_YES {
            switch Int32(character) {
            case KEY_RESIZE: return .resize(width: size.width, height: size.height)
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_ENTER: return .key(.enter)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_DC: return .key(.delete)
            default: return .tick
            }
        }
        switch character {
        case 3: return .key(.controlC)
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return escapeSequence().map(TerminalInput.key) ?? .tick
        case 127, 8: return .key(.backspace)
        default:
            guard let scalar = Unicode.Scalar(UInt32(character)) else { return .tick }
            return .key(.character(Character(scalar)))
        }
    }

    /// After an Esc: the rest of a sequence the terminfo entry did not know, read from what has
    /// already arrived (a person's next key comes far later than a sequence's bytes).
    private func escapeSequence() -> Key? {
        var codes: [UInt32] = []
        timeout(0)
        defer { timeout(40) }
        while EscapeSequence.isIncomplete(codes), codes.count < 16 {
            var character: wint_t = 0
            let result = get_wch(&character)
            if result == ERR { break }
            // Only `[` or `O` can start a sequence: any other key after Esc (a second Esc, a letter
            // typed quickly) is a key of its own, left for the next read.
            if codes.isEmpty && (result == KEY_CODE_YES || !EscapeSequence.canStart(UInt32(character))) {
                if result == KEY_CODE_YES { ungetch(Int32(character)) } else { unget_wch(wchar_t(character)) }
                break
            }
            if result == KEY_CODE_YES { break }
            codes.append(UInt32(character))
        }
        return EscapeSequence.decode(codes)
    }

    /// Asks the terminal its size directly: a SIGWINCH can be missed (when the
    /// process did not start in the foreground, say), and a stale size garbles every frame.
    private func resizedSinceLastLook() -> TerminalInput? {
        var window = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else { return nil }
        let (width, height) = (Int(window.ws_col), Int(window.ws_row))
        guard width != size.width || height != size.height else { return nil }
        resizeterm(Int32(height), Int32(width))
        return .resize(width: width, height: height)
    }

    private func attributes(for style: Style) -> Int32 {
        var attributes: Int32 = 0
        if style.bold { attributes |= rnn_attr_bold() }
        if style.reverse { attributes |= rnn_attr_reverse() }
        if style.dim { attributes |= rnn_attr_dim() }
        if style.italic { attributes |= rnn_attr_italic() }
        if style.underline { attributes |= rnn_attr_underline() }
        if colors, style.foreground != .default || style.background != .default {
            attributes |= rnn_color_pair(Int32(pair(style.foreground, style.background)))
        }
        return attributes
    }

    /// A colour pair for (foreground, background), made on first use; with 8
    /// colours the 256-colour indices fold down to the basic eight.
    private func pair(_ foreground: Color, _ background: Color) -> Int16 {
        func index(_ color: Color) -> Int16 {
            guard case .indexed(let i) = color else { return -1 }
            return rnn_colors() >= 256 ? Int16(i) : Int16(Self.basic(i))
        }
        let key = Int(index(foreground) + 1) << 16 | Int(index(background) + 1)
        if let existing = colorPairs[key] { return existing }
        guard colorPairs.count + 1 < maxPairs else { return 0 }
        let number = Int16(colorPairs.count + 1)
        init_pair(number, index(foreground), index(background))
        colorPairs[key] = number
        return number
    }

    /// The nearest of the eight basic colours to an xterm-256 colour.
    static func basic(_ i: UInt8) -> UInt8 {
        if i < 16 { return i % 8 }
        if i >= 232 { return i < 244 ? 0 : 7 }
        let v = Int(i) - 16
        let (r, g, b) = (v / 36, v / 6 % 6, v % 6)
        return UInt8((r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0))
    }

    /// SIGTERM and SIGHUP (the window closed) end the tutor the way Ctrl-C does,
    /// through the update function, so the learner's place is saved and the
    /// terminal restored; a second one leaves at once through endwin. A crash
    /// (a trap is SIGILL or SIGTRAP in Swift) also leaves through endwin, then
    /// re-raises the signal so that the failure is still reported.
    private static func installRestoreOnSignals() {
        for signalNumber in [SIGTERM, SIGHUP] {
            signal(signalNumber) { number in
                if quitSignal.exchange(number, ordering: .relaxed) != 0 {
                    endwin()
                    _exit(128 + number)
                }
            }
        }
        for signalNumber in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
            signal(signalNumber) { number in
                endwin()
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }
}
