#!/usr/bin/env python3
"""Build the English sentence corpus for rnn-tutor's bundled language models.

Plain python3, standard library only, no network. It reads text that Debian
packages install (see data/corpus/SOURCE.md for sources and licences):

  * wordnet-base        /usr/share/wordnet/data.{noun,verb,adj,adv}
                        the quoted example sentences of the synsets, and the
                        glosses (definitions) that use only common words
  * r-cran-janeaustenr  /usr/lib/R/site-library/janeaustenr/data/Rdata.{rdx,rdb}
                        Jane Austen's six novels (public domain), read straight
                        from R's lazy-load database, so R itself is never run

and writes one sentence per line to data/corpus/{train,valid,test}.txt.

Install the sources on a fresh Debian 12 machine (as root):

    apt-get update
    apt-get install -y --no-install-recommends wordnet-base r-cran-janeaustenr

Rebuild (from the repository root):

    python3 scripts/build_corpus.py            # writes data/corpus/*.txt, prints stats
    python3 scripts/build_corpus.py --samples 10   # also prints 10 lines of each split
    python3 scripts/build_corpus.py --check        # exit 1 unless the committed test.txt is rebuilt exactly
    python3 scripts/build_corpus.py --report-only --samples 5   # stats and samples of existing files

Only data/corpus/test.txt (held out, ~160 KB) and data/corpus/SOURCE.md are
committed; train.txt and valid.txt are gitignored and rebuilt with this script.

Sentences are deduplicated (case-insensitively) and each one goes to exactly
one split, chosen by a salted SHA-256 of its lowercased text, so the split is
the same on every machine and does not depend on the order of the sources.
Text keeps its case; tokenization follows the model spec: each of
. , ; : ! ? ( ) " is a token of its own, the rest is split on white space,
and apostrophes stay inside words.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import os
import random
import re
import struct
import sys
import zlib
import bz2
import lzma

# ---------------------------------------------------------------------------
# Configuration

WORDNET_DIR = "/usr/share/wordnet"
AUSTEN_DIR = "/usr/lib/R/site-library/janeaustenr/data"
WORDNET_FILES = ("data.noun", "data.verb", "data.adj", "data.adv")
AUSTEN_BOOKS = (  # R object names, in publication order
    "sensesensibility", "prideprejudice", "mansfieldpark",
    "emma", "northangerabbey", "persuasion",
)

SPLIT_SALT = "rnn-tutor-corpus-v1"
# Buckets out of 1000: [0, TEST) -> test, [TEST, TEST+VALID) -> valid, rest -> train.
TEST_PER_MILLE = 30
VALID_PER_MILLE = 40

MIN_TOKENS = 4
MAX_TOKENS = 40
VOCAB_SIZE = 5000
GLOSS_VOCAB = 5000  # a gloss is kept only if all its tokens are this common elsewhere

SEPARATE = set('.,;:!?()"')
ALLOWED = re.compile(r"""^[A-Za-z0-9 .,;:!?()"'\-]+$""")

SOURCES = ("wordnet-examples", "wordnet-glosses", "austen")
DEFAULT_SOURCES = ("wordnet-examples", "wordnet-glosses", "austen")


# ---------------------------------------------------------------------------
# The model's tokenizer (shared/spec/model-and-trace.md, section 3)

def tokenize(text: str, lowercase: bool = True) -> list[str]:
    out = []
    for ch in SEPARATE:
        text = text.replace(ch, f" {ch} ")
    for w in text.split():
        out.append(w.lower() if lowercase else w)
    return out


# ---------------------------------------------------------------------------
# Shared clean-up

def tidy(s: str) -> str:
    """Whitespace and punctuation spacing that every source gets."""
    s = s.replace("_", " ")
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s+([.,;:!?)])", r"\1", s)        # no space before closing punctuation
    s = re.sub(r"\(\s+", "(", s)
    s = re.sub(r"([,;:])(?=[A-Za-z])", r"\1 ", s)  # a space after , ; : before a word
    s = re.sub(r",(\s*,)+", ",", s)                # ", ," -> ","
    s = re.sub(r"[,;:]\s*([.!?])", r"\1", s)       # ", ." -> "."
    s = re.sub(r"\(\s*\)", "", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = s.strip(" ;,:")
    return s


def fix_apostrophes(s: str) -> str:
    """Keep apostrophes inside words (don't, Emma's, sisters'); drop the ones
    used as single quotation marks."""
    s = re.sub(r"(?<=[A-Za-z])'(?=[A-Za-z])", "\x00", s)   # inside a word
    s = re.sub(r"(?<=[a-z]s)'(?=[\s,;:.!?)]|$)", "\x00", s)  # plural possessive
    s = re.sub(r"(?i)(?<![A-Za-z])'(?=(tis|twas|em|till)\b)", "\x00", s)
    s = s.replace("'", "").replace("\x00", "'")
    return s


def ensure_final_punctuation(s: str) -> str:
    t = s.rstrip('"').rstrip()
    if t and t[-1] in ".!?":
        return s
    if s.endswith('"'):
        return t + '."'  # a closing quote ends it: put the full stop inside
    return s + "."


def balanced(s: str) -> bool:
    if s.count('"') % 2:
        return False
    depth = 0
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def acceptable(s: str) -> bool:
    if not ALLOWED.match(s):
        return False
    if not balanced(s) or '""' in s.replace(" ", ""):
        return False  # unmatched or nested quotation marks
    if ".." in s:
        return False  # an ellipsis: trailing off, or words left out
    if not re.search(r"[a-z]", s):  # headings, all-caps lines
        return False
    n = len(tokenize(s))
    return MIN_TOKENS <= n <= MAX_TOKENS


# ---------------------------------------------------------------------------
# WordNet

QUOTED = re.compile(r'"([^"]*)"')
ATTRIBUTION = re.compile(r"\s*-+\s*[A-Z]")


def wordnet_glosses(wordnet_dir: str):
    """Yield (definition, [examples]) for every synset of the four data files."""
    for name in WORDNET_FILES:
        path = os.path.join(wordnet_dir, name)
        with open(path, encoding="ascii", errors="replace") as f:  # plain ASCII
            for line in f:
                if line.startswith("  ") or "|" not in line:
                    continue  # licence header
                gloss = line.split("|", 1)[1].strip()
                # Examples are the quoted parts. Those followed by an author
                # ("..." - Shakespeare) are literary quotations: left out.
                examples = [m.group(1) for m in QUOTED.finditer(gloss)
                            if not ATTRIBUTION.match(gloss, m.end())]
                rest = QUOTED.sub("\x01", gloss)
                rest = re.sub(r"\x01\s*-+\s*[^;\x01]*", "\x01", rest)
                parts = [p.strip() for p in rest.split(";")]
                definition = "; ".join(p for p in parts if p and "\x01" not in p)
                yield definition, examples


def clean_wordnet(s: str) -> str | None:
    if "..." in s or ". . ." in s:
        return None  # elided quotation: not a contiguous sentence
    s = re.sub(r"`([^`]*?)'(?![A-Za-z])", r'"\1"', s)  # `won't' -> "won't"
    s = s.replace("`", "'").replace("''", '"')
    s = re.sub(r"\s-+\s", ", ", s)  # a free-standing dash
    s = re.sub(r"--+", ", ", s)
    s = fix_apostrophes(s)
    s = tidy(s)
    if not s:
        return None
    return ensure_final_punctuation(s)


def read_wordnet(wordnet_dir: str, want_examples: bool, want_glosses: bool):
    for definition, examples in wordnet_glosses(wordnet_dir):
        if want_glosses and definition:
            definition = re.sub(r"^\([^)]*\)\s*", "", definition)  # usage label: "(sports) ..."
            s = clean_wordnet(definition)
            if s:
                yield "wordnet-glosses", s
        if want_examples:
            for ex in examples:
                s = clean_wordnet(ex)
                if s:
                    yield "wordnet-examples", s


# ---------------------------------------------------------------------------
# R lazy-load database (janeaustenr's data/Rdata.rdx + Rdata.rdb)

class _RReader:
    """Just enough of R's XDR serialization to read character vectors."""

    def __init__(self, data: bytes):
        if data[:2] != b"X\n":
            raise ValueError("not an XDR-serialized R object")
        self.b, self.p, self.refs = data, 2, []
        version = self.int()
        self.int()
        self.int()
        if version == 3:
            n = self.int()
            self.p += n  # native encoding name

    def int(self) -> int:
        (v,) = struct.unpack_from(">i", self.b, self.p)
        self.p += 4
        return v

    def item(self):
        flags = self.int()
        t = flags & 0xFF
        has_attr, has_tag = flags & (1 << 9), flags & (1 << 10)
        if t in (254, 253, 252, 251, 250, 247, 242, 241):  # NULL, environments, markers
            return None
        if t == 255:  # back-reference
            idx = flags >> 8 or self.int()
            return self.refs[idx - 1]
        if t == 1:  # symbol
            sym = ("sym", self.item())
            self.refs.append(sym)
            return sym
        if t == 9:  # CHARSXP
            n = self.int()
            if n == -1:
                return None
            s = self.b[self.p:self.p + n].decode("utf-8", "replace")
            self.p += n
            return s
        if t in (2, 6, 17):  # pairlist, call, dots
            cells = []
            while True:
                if has_attr:
                    self.item()
                tag = self.item() if has_tag else None
                cells.append((tag, self.item()))
                flags = self.int()
                if flags & 0xFF == 254:
                    return ("pairlist", cells)
                has_attr, has_tag = flags & (1 << 9), flags & (1 << 10)
        if t == 238:  # ALTREP: class info, state, attributes
            self.item()
            state = self.item()
            self.item()
            return state
        if t in (16, 19, 20):  # character vector, list, expression
            v = [self.item() for _ in range(self.int())]
        elif t in (10, 13):  # logical, integer
            n = self.int()
            v = list(struct.unpack_from(f">{n}i", self.b, self.p))
            self.p += 4 * n
        elif t == 14:  # double
            n = self.int()
            v = list(struct.unpack_from(f">{n}d", self.b, self.p))
            self.p += 8 * n
        else:
            raise ValueError(f"R type {t} not supported")
        attrs = self.item() if has_attr else None
        return ("vec", t, v, attrs)


def _names(vec) -> list[str]:
    attrs = vec[3]
    for tag, value in attrs[1] if attrs else []:
        if tag == ("sym", "names"):
            return value[2]
    return []


def _unpack_rdb_entry(blob: bytes) -> bytes:
    kind = blob[4:5]
    if kind == b"Z":
        return zlib.decompress(blob[5:])
    if kind == b"2":
        return bz2.decompress(blob[5:])
    if kind == b"X":
        return lzma.decompress(blob[5:])
    if kind == b"0":
        return blob[5:]
    return zlib.decompress(blob[4:])  # 4-byte length + zlib stream


def read_r_lazyload(directory: str, stem: str = "Rdata") -> dict[str, list]:
    """{name: list of strings} for the character vectors of an R data directory."""
    with open(os.path.join(directory, stem + ".rdx"), "rb") as f:
        raw = f.read()
    index = _RReader(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else zlib.decompress(raw[4:])).item()
    top = dict(zip(_names(index), index[2]))
    variables = top["variables"]
    with open(os.path.join(directory, stem + ".rdb"), "rb") as f:
        db = f.read()
    out = {}
    for name, pos in zip(_names(variables), variables[2]):
        offset, length = pos[2][:2]
        obj = _RReader(_unpack_rdb_entry(db[int(offset):int(offset) + int(length)])).item()
        if obj and obj[0] == "vec" and obj[1] == 16:
            out[name] = obj[2]
    return out


# ---------------------------------------------------------------------------
# Jane Austen

ABBREVIATIONS = {"Mr", "Mrs", "Dr", "St", "Messrs", "Esq", "Col", "Capt", "Gen", "Adm",
                 "Lieut", "Rev", "Sr", "Jr", "No", "Vol", "viz", "Edw", "Wm", "Jas", "Chas"}
END_MARKERS = {"THE END", "FINIS", "A NOTE ON THE TEXT"}


def austen_paragraphs(lines: list):
    para = []
    for line in lines:
        line = (line or "").strip()
        if line.upper() in END_MARKERS:
            break
        if line:
            para.append(line)
        elif para:
            yield " ".join(para)
            para = []
    if para:
        yield " ".join(para)


def split_sentences(p: str) -> list[str]:
    """Split a paragraph after . ! ? (and any closing quotes/brackets/dashes)
    when an upper-case word or an opening quote follows."""
    out, start = [], 0
    for m in re.finditer(r'[.!?]+["\')]*(?:--\s*|\s+)(?=["\']?[A-Z])', p):
        end = m.end()
        before = p[start:m.start()]
        word = re.search(r"([A-Za-z]+)$", before)
        if p[m.start()] == "." and word and (word.group(1) in ABBREVIATIONS or len(word.group(1)) == 1):
            continue  # Mr. Darcy, initials
        out.append(p[start:end].strip())
        start = end
    tail = p[start:].strip()
    if tail:
        out.append(tail)
    return out


def rebalance_quotes(pieces: list[str], open_quote: bool = False) -> list[str]:
    """Give every piece of a split text its own quotation marks: a piece that
    starts inside a quotation gets an opening mark, one that ends inside a
    quotation gets a closing one."""
    out = []
    for piece in pieces:
        piece = piece.strip()
        n = piece.count('"')
        if open_quote and not piece.startswith('"'):
            piece = '"' + piece
            n += 1
        open_quote = n % 2 == 1
        if open_quote:
            piece = piece + '"'
        out.append(piece)
    return out


def finish_austen(s: str) -> str:
    s = re.sub(r"([.!?])--", r"\1 ", s)       # "!--How" is split already; drop the dash
    s = re.sub(r'--+\s*"$', '"', s)           # interrupted speech
    s = re.sub(r"\s*--+\s*", ", ", s)         # other dashes read as a pause
    s = fix_apostrophes(s)
    s = tidy(s)
    s = re.sub(r'^"\s+', '"', s)
    s = re.sub(r'\s+"$', '"', s)
    s = re.sub(r'^("?)[,;:]\s*', r"\1", s)     # a clause that began with a comma
    s = re.sub(r'[,;:]\s*"$', '"', s)
    s = s.strip(" ,;:")
    if not s.strip('" .,;:!?'):
        return ""
    return ensure_final_punctuation(s)


def clean_austen_paragraph(p: str) -> list[str]:
    p = p.replace("_", "")                   # _italics_
    p = p.replace("&c.", "etc.").replace("&c", "etc.")
    p = re.sub(r"\s+", " ", p).strip()
    # A paragraph with an odd number of quotation marks either opens a speech
    # that goes on in the next paragraph, or ends one that began earlier.
    starts_inside = p.count('"') % 2 == 1 and not p.startswith('"')
    sentences = []
    for s in rebalance_quotes(split_sentences(p), starts_inside):
        s = finish_austen(s)
        if not s:
            continue
        if len(tokenize(s)) > MAX_TOKENS:
            # A long sentence: its clauses between semicolons stand alone.
            for clause in rebalance_quotes(s.split(";")):
                clause = finish_austen(clause)
                if clause:
                    sentences.append(clause)
        else:
            sentences.append(s)
    return sentences


def read_austen(austen_dir: str):
    books = read_r_lazyload(austen_dir)
    for name in AUSTEN_BOOKS:
        if name not in books:
            raise SystemExit(f"build_corpus: {name} not found in {austen_dir}")
        for para in austen_paragraphs(books[name]):
            for s in clean_austen_paragraph(para):
                yield "austen", s


# ---------------------------------------------------------------------------
# Corpus assembly

def split_of(sentence: str) -> str:
    key = " ".join(tokenize(sentence))
    h = int.from_bytes(hashlib.sha256((SPLIT_SALT + "\n" + key).encode()).digest()[:8], "big") % 1000
    if h < TEST_PER_MILLE:
        return "test"
    if h < TEST_PER_MILLE + VALID_PER_MILLE:
        return "valid"
    return "train"


def collect(sources, wordnet_dir, austen_dir, gloss_vocab=GLOSS_VOCAB):
    """Cleaned, filtered, deduplicated sentences as (source, text), in source order.

    Glosses are definitions full of rare technical words (species, chemicals,
    places); only those whose every token is among the gloss_vocab most
    frequent tokens of the other sources are kept."""
    streams = []
    if "wordnet-examples" in sources or "wordnet-glosses" in sources:
        streams.append(read_wordnet(wordnet_dir, "wordnet-examples" in sources,
                                    "wordnet-glosses" in sources))
    if "austen" in sources:
        streams.append(read_austen(austen_dir))
    rejected = collections.Counter()
    candidates = []
    for stream in streams:
        for source, s in stream:
            if acceptable(s):
                candidates.append((source, s))
            else:
                rejected[source + " (length/characters)"] += 1
    if "wordnet-glosses" in sources and gloss_vocab:
        others = [s for src, s in candidates if src != "wordnet-glosses"]
        common, _ = build_vocab(others, gloss_vocab)
        if common:
            filtered = []
            for src, s in candidates:
                if src == "wordnet-glosses" and not all(t in common for t in tokenize(s)):
                    rejected[src + " (rare words)"] += 1
                else:
                    filtered.append((src, s))
            candidates = filtered
    seen, kept = set(), []
    for source, s in candidates:
        key = " ".join(tokenize(s))
        if key in seen:
            rejected[source + " (duplicate)"] += 1
            continue
        seen.add(key)
        kept.append((source, s))
    return kept, rejected


def build_vocab(lines, size=VOCAB_SIZE):
    counts = collections.Counter(t for s in lines for t in tokenize(s))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {w for w, _ in ranked[:size]}, counts


def coverage(lines, vocab):
    total = known = 0
    for s in lines:
        for t in tokenize(s):
            total += 1
            known += t in vocab
    return known / total if total else 0.0


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f if l.strip()]


def sample_lines(path: str, n: int = 5, seed: int = 0) -> list[str]:
    """n lines of a corpus file, picked deterministically (seeded)."""
    lines = read_lines(path)
    return random.Random(seed).sample(lines, min(n, len(lines)))


PATTERNS = ("cup of coffee", "cup of tea", "glass of wine", "glass of water", "the cat",
            "the dog", "she smiled", "he said", "in the morning", "at the end of", "i do not know",
            "there is a")
PREFIXES = ("a cup of", "a glass of", "a piece of", "the sun", "i am", "she was", "in the")


def phrase_counts(lines, phrases):
    """How often each phrase occurs as a run of whole tokens (lowercased)."""
    joined = " \n ".join(" ".join(tokenize(s)) for s in lines)
    joined = " " + joined + " "
    return {p: joined.count(" " + " ".join(tokenize(p)) + " ") for p in phrases}


def continuations(lines, prefix, top=6):
    """The most frequent tokens after prefix, with counts."""
    p = tokenize(prefix)
    n = len(p)
    c = collections.Counter()
    for s in lines:
        t = tokenize(s)
        for i in range(len(t) - n):
            if t[i:i + n] == p:
                c[t[i + n]] += 1
    return c.most_common(top)


def report(out_dir, rejected=None, per_source=None, samples=0, vocab_size=VOCAB_SIZE):
    splits = {name: read_lines(os.path.join(out_dir, name + ".txt")) for name in ("train", "valid", "test")}
    print("split   sentences     tokens    bytes")
    for name, lines in splits.items():
        size = os.path.getsize(os.path.join(out_dir, name + ".txt"))
        print(f"{name:6} {len(lines):10,} {sum(len(tokenize(s)) for s in lines):10,} {size:8,}")
    if per_source:
        print("by source (sentences kept): " + ", ".join(f"{k} {v:,}" for k, v in per_source.items()))
    if rejected:
        print("dropped: " + ", ".join(f"{k} {v:,}" for k, v in sorted(rejected.items())))
    vocab, counts = build_vocab(splits["train"], vocab_size)
    print(f"train word types (lowercased): {len(counts):,}")
    for name in ("valid", "test"):
        print(f"{vocab_size:,}-word vocabulary coverage on {name}: {100 * coverage(splits[name], vocab):.2f}%")
    bigrams = collections.Counter()
    for s in splits["train"]:
        t = tokenize(s)
        bigrams.update(zip(t, t[1:]))
    word_bigrams = [(b, c) for b, c in bigrams.most_common(400) if all(w[0].isalpha() for w in b)]
    print("frequent word bigrams: " + ", ".join(f"{a} {b} ({c:,})" for (a, b), c in word_bigrams[:20]))
    print("phrase counts in train: " + ", ".join(
        f'"{p}" {n:,}' for p, n in phrase_counts(splits["train"], PATTERNS).items()))
    for prefix in PREFIXES:
        print(f'after "{prefix}" in train: ' + ", ".join(
            f"{w} {c:,}" for w, c in continuations(splits["train"], prefix)))
    keys = {name: {" ".join(tokenize(s)) for s in lines} for name, lines in splits.items()}
    shared = (len(keys["train"] & keys["valid"]) + len(keys["train"] & keys["test"])
              + len(keys["valid"] & keys["test"]))
    print(f"sentences in more than one split: {shared}")
    if samples:
        for name in splits:
            print(f"--- {samples} sample lines of {name}.txt")
            for line in sample_lines(os.path.join(out_dir, name + ".txt"), samples):
                print(line)


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(repo, "data", "corpus"),
                    help="output folder (default: data/corpus in the repository)")
    ap.add_argument("--wordnet-dir", default=WORDNET_DIR)
    ap.add_argument("--austen-dir", default=AUSTEN_DIR)
    ap.add_argument("--sources", default=",".join(DEFAULT_SOURCES),
                    help="comma-separated subset of: " + ", ".join(SOURCES))
    ap.add_argument("--samples", type=int, default=0, metavar="N",
                    help="also print N sample lines of each split")
    ap.add_argument("--report-only", action="store_true",
                    help="do not rebuild; print statistics (and samples) of the existing files")
    ap.add_argument("--check", action="store_true",
                    help="build in memory and only check that the committed test.txt is reproduced "
                         "exactly (exit status 1 if not); writes nothing")
    ap.add_argument("--gloss-vocab", type=int, default=GLOSS_VOCAB, metavar="K",
                    help="keep a WordNet gloss only if all its tokens are among the K most frequent "
                         f"tokens of the other sources (default {GLOSS_VOCAB}; 0 keeps every gloss)")
    args = ap.parse_args(argv)

    if args.report_only:
        report(args.out, samples=args.samples)
        return 0

    sources = [s.strip() for s in args.sources.split(",") if s.strip()]
    for s in sources:
        if s not in SOURCES:
            ap.error(f"unknown source {s!r}")
    if any(s.startswith("wordnet") for s in sources) and not os.path.exists(os.path.join(args.wordnet_dir, "data.noun")):
        raise SystemExit(f"build_corpus: {args.wordnet_dir}/data.noun missing; "
                         "install it with: apt-get install -y wordnet-base")
    if "austen" in sources and not os.path.exists(os.path.join(args.austen_dir, "Rdata.rdb")):
        raise SystemExit(f"build_corpus: {args.austen_dir}/Rdata.rdb missing; install it with: "
                         "apt-get install -y --no-install-recommends r-cran-janeaustenr")

    kept, rejected = collect(sources, args.wordnet_dir, args.austen_dir, args.gloss_vocab)
    per_source = collections.Counter(src for src, _ in kept)
    buckets = {"train": [], "valid": [], "test": []}
    for _, s in kept:
        buckets[split_of(s)].append(s)

    if args.check:
        path = os.path.join(args.out, "test.txt")
        committed = read_lines(path) if os.path.exists(path) else []
        if committed == buckets["test"]:
            print(f"build_corpus: {path} is reproduced exactly ({len(committed):,} sentences)")
            return 0
        print(f"build_corpus: {path} differs from a fresh build "
              f"({len(committed):,} committed, {len(buckets['test']):,} built)", file=sys.stderr)
        return 1

    os.makedirs(args.out, exist_ok=True)
    for name, lines in buckets.items():
        with open(os.path.join(args.out, name + ".txt"), "w", encoding="utf-8", newline="\n") as f:
            f.writelines(s + "\n" for s in lines)
    report(args.out, rejected, per_source, args.samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
