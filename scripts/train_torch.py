#!/usr/bin/env python3
"""Train a tutor language model with PyTorch, on one CPU, several GPUs or several machines.

It trains what `rnn-tutor train` trains (the same architecture, tokenizer,
vocabulary rules, metadata and training recipe) with DistributedDataParallel,
and writes a model file the tutor opens. Run it under torchrun:

    # one machine, two CPU processes (gloo):
    torchrun --standalone --nproc_per_node=2 scripts/train_torch.py --cell lstm \\
        --train data/corpus/train.txt --valid data/corpus/valid.txt --output big.safetensors
    # one machine with 4 GPUs (nccl):
    torchrun --standalone --nproc_per_node=4 scripts/train_torch.py --cell lstm --hidden 512 ...
    # plain `python3 scripts/train_torch.py ...` is one process.

Every process reads the same text and builds the same vocabulary; each takes
its share of every epoch's batches, DDP averages the gradients, and process 0
validates and writes the best model (through a temporary file, renamed into
place, so a stopped run never leaves half a file). Needs torch and safetensors.

The rules it shares with `rnn-tutor train` (TrainCommand.swift, VocabularyBuilder,
LanguageModelTrainer):
  - lines: the file split at line ends, lines of only white space dropped;
  - words: each of . , ; : ! ? ( ) " set apart, split on white space, lowercased
    unless --no-lowercase (Python's str.lower(), as the tutor does);
  - vocabulary: "<unk>", then the most frequent training words (ties: the word
    that sorts first), --vocabulary-size entries in all;
  - model: Embedding(V, E) -> RNN/LSTM/GRU(E, H, layers, batch_first) -> Linear(H, V),
    saved with the tutor's tensor names and metadata (cell, task lm, vocab, unk,
    lowercase, description);
  - training: sentences sorted by length into batches, truncated BPTT, Adam with
    warm-up, clipping by global norm, dropout on every layer's input and before
    the head, validation checks that halve the learning rate when they do not
    improve and stop after --patience of them.
"""

import argparse
import json
import math
import os
import random
import re
import sys
import tempfile
import time
import unicodedata

UNKNOWN = "<unk>"
SEPARATE = '.,;:!?()"'
# Python's str.split() white space; the tutor's tokenizer uses the same set.
_SEPARATE_RE = re.compile("([" + re.escape(SEPARATE) + "])")
# Where Swift's Character.isNewline splits lines (\r\n counts once).
_LINE_END = re.compile("\r\n|[\n\x0b\x0c\r\x85\u2028\u2029]")


class InputError(Exception):
    """One line for the user, naming the file."""


# ---------------------------------------------------------------------------
# Text, words and vocabulary: exactly as `rnn-tutor train`
# ---------------------------------------------------------------------------

def read_lines(path):
    """The lines of a UTF-8 text file, without those that are only white space."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file")
    except OSError as error:
        raise InputError(f"{path}: cannot read the file ({error.strerror})")
    text = data.decode("utf-8", errors="replace")
    return [line for line in _LINE_END.split(text) if line and not line.isspace()]


def words(line, lowercase):
    """The tutor's `words` tokenizer."""
    found = _SEPARATE_RE.sub(r" \1 ", line).split()
    return [w.lower() for w in found] if lowercase else found


def build_vocabulary(lines, size, lowercase):
    """<unk>, then the size-1 most frequent words; ties broken by the word's order.

    Swift's String compares and hashes canonically equivalent spellings as equal
    (é and e + combining accent), so words are counted and ordered by their NFC
    form, keeping the spelling seen first, as the tutor's dictionary does."""
    counts, spelling = {}, {}
    for line in lines:
        for word in words(line, lowercase):
            if word == UNKNOWN:
                continue
            key = unicodedata.normalize("NFC", word)
            spelling.setdefault(key, word)
            counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts, key=lambda key: (-counts[key], key))
    return [UNKNOWN] + [spelling[key] for key in ranked[:max(size - 1, 0)]]


def encode(lines, vocabulary, lowercase):
    index = {}
    for i, word in enumerate(vocabulary):
        index.setdefault(word, i)
    unknown = index[UNKNOWN]
    return [[index.get(w, unknown) for w in words(line, lowercase)] for line in lines]


# ---------------------------------------------------------------------------
# Model and training (torch is imported only here, so the vocabulary rules can
# be used and tested without it)
# ---------------------------------------------------------------------------

def train(args):
    import torch
    import torch.distributed as dist
    import torch.nn as nn
    import torch.nn.functional as F
    from safetensors.torch import save_file

    distributed = "WORLD_SIZE" in os.environ
    if distributed:
        backend = "nccl" if torch.cuda.is_available() and not args.cpu else "gloo"
        dist.init_process_group(backend)
        rank, world = dist.get_rank(), dist.get_world_size()
    else:
        rank, world = 0, 1
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device(f"cuda:{local_rank}" if torch.cuda.is_available() and not args.cpu else "cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    main_process = rank == 0

    def log(text):
        if main_process:
            print(text, flush=True)

    train_lines, valid_lines = read_lines(args.train), read_lines(args.valid)
    vocabulary = build_vocabulary(train_lines, args.vocabulary_size, args.lowercase)
    training = [s for s in encode(train_lines, vocabulary, args.lowercase) if len(s) >= 2]
    validation = [s for s in encode(valid_lines, vocabulary, args.lowercase) if len(s) >= 2]
    if not training:
        raise InputError(f"{args.train}: no line has two or more words to learn from")
    if not validation:
        raise InputError(f"{args.valid}: no line has two or more words to validate on")

    class LanguageModel(nn.Module):
        """The tutor's network, with the tutor's tensor names (embedding, rnn, head)."""

        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(len(vocabulary), args.embedding)
            kind = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[args.cell]
            # nn.RNN's dropout acts between layers: with the two below, every layer's input and the head's.
            self.rnn = kind(args.embedding, args.hidden, num_layers=args.layers, batch_first=True,
                            dropout=args.dropout if args.layers > 1 else 0.0)
            self.head = nn.Linear(args.hidden, len(vocabulary))
            self.drop = nn.Dropout(args.dropout)

        def forward(self, ids, state=None):
            out, state = self.rnn(self.drop(self.embedding(ids)), state)
            return self.head(self.drop(out)), state

    torch.manual_seed(args.seed)   # the same initial weights in every process
    model = LanguageModel().to(device)
    ddp = nn.parallel.DistributedDataParallel(model, device_ids=[local_rank] if device.type == "cuda" else None) \
        if distributed else model
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    base_rate = args.learning_rate

    def batches(epoch):
        order = sorted(range(len(training)), key=lambda i: (len(training[i]), i))
        groups = [order[i:i + args.batch_size] for i in range(0, len(order), args.batch_size)]
        random.Random(args.seed * 1_000_003 + epoch).shuffle(groups)
        # Every process takes the same number of batches (DDP steps in lock-step).
        per_process = len(groups) // world if len(groups) >= world else 1
        return [groups[(rank + world * i) % len(groups)] for i in range(per_process)]

    def padded(sentences):
        steps = max(len(s) for s in sentences)
        ids = torch.zeros(len(sentences), steps, dtype=torch.long)
        targets = torch.full((len(sentences), steps), -100, dtype=torch.long)
        for b, s in enumerate(sentences):
            ids[b, :len(s)] = torch.tensor(s)
            targets[b, :len(s) - 1] = torch.tensor(s[1:])
        return ids[:, :-1].to(device), targets[:, :-1].to(device)

    @torch.no_grad()
    def validation_perplexity():
        model.eval()
        total, count = 0.0, 0
        ordered = sorted(validation, key=len)
        for start in range(0, len(ordered), 64):
            ids, targets = padded(ordered[start:start + 64])
            logits, _ = model(ids)
            total += F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1),
                                     ignore_index=-100, reduction="sum").item()
            count += (targets != -100).sum().item()
        model.train()
        return math.exp(total / count)

    def save_best(state):
        metadata = {"cell": args.cell, "task": "lm", "vocab": json.dumps(vocabulary, ensure_ascii=False),
                    "lowercase": "true" if args.lowercase else "false", "unk": UNKNOWN}
        if args.description:
            metadata["description"] = args.description
        dtype = torch.float16 if args.f16 else torch.float32
        tensors = {name: t.detach().to("cpu", dtype).contiguous() for name, t in state.items()}
        handle, temporary = tempfile.mkstemp(prefix=".train-", suffix=".safetensors",
                                             dir=os.path.dirname(os.path.abspath(args.output)))
        os.close(handle)
        try:
            save_file(tensors, temporary, metadata=metadata)
            os.chmod(temporary, 0o644)
            os.replace(temporary, args.output)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)

    a = args
    parameters = sum(p.numel() for p in model.parameters())
    log(f"{a.cell.upper()}: {a.layers} layer{'s' if a.layers > 1 else ''}, E = {a.embedding}, H = {a.hidden}, "
        f"{len(vocabulary)} words, {parameters} parameters; {world} process{'es' if world > 1 else ''} on {device.type}")
    log(f"training on {len(training)} sentences, validating on {len(validation)}")

    best, best_state, misses, step = math.inf, None, 0, 0
    started = time.monotonic()
    stop = False
    for epoch in range(args.epochs):
        epoch_batches = batches(epoch)
        checks = max(1, min(2, len(epoch_batches)))
        check_after = {len(epoch_batches) * k // checks for k in range(1, checks + 1)}
        loss_sum, loss_tokens = 0.0, 0
        for number, sentence_indices in enumerate(epoch_batches, start=1):
            ids, targets = padded([training[i] for i in sentence_indices])
            if distributed:
                # DDP runs its gradient exchange in lock-step: every process cuts the same number of
                # BPTT chunks, so the shorter batches are padded (padding is never scored).
                longest = torch.tensor([ids.size(1)], device=device)
                dist.all_reduce(longest, op=dist.ReduceOp.MAX)
                extra = int(longest.item()) - ids.size(1)
                ids = F.pad(ids, (0, extra), value=0)
                targets = F.pad(targets, (0, extra), value=-100)
            state = None
            for start in range(0, ids.size(1), args.bptt):   # truncated BPTT, the state carried over
                chunk_ids, chunk_targets = ids[:, start:start + args.bptt], targets[:, start:start + args.bptt]
                warm = min(step + 1, max(args.warmup, 1)) / max(args.warmup, 1)
                for group in optimizer.param_groups:
                    group["lr"] = base_rate * warm
                logits, state = ddp(chunk_ids, state)
                state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
                tokens = (chunk_targets != -100).sum()
                loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), chunk_targets.reshape(-1),
                                       ignore_index=-100, reduction="sum") / tokens.clamp(min=1)
                optimizer.zero_grad()
                loss.backward()
                norm = torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
                if torch.isfinite(norm) and torch.isfinite(loss):
                    optimizer.step()
                step += 1
                loss_sum += loss.item() * tokens.item()
                loss_tokens += tokens.item()
            if number in check_after:
                measured = validation_perplexity()   # every process computes it: they stay in step
                improved = measured < best
                if improved:
                    best, misses = measured, 0
                    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                    if main_process:
                        save_best(best_state)
                else:
                    misses += 1
                    base_rate *= 0.5
                log(f"epoch {epoch + 1} ({number}/{len(epoch_batches)} batches)  train loss "
                    f"{loss_sum / max(loss_tokens, 1):.3f}  valid ppl {measured:.2f}{' (best)' if improved else ''}")
                loss_sum, loss_tokens = 0.0, 0
                if misses >= args.patience:
                    stop = True
            if args.max_minutes is not None and time.monotonic() - started >= args.max_minutes * 60:
                stop = True
            if distributed:   # all processes stop together
                flag = torch.tensor([1.0 if stop else 0.0], device=device)
                dist.all_reduce(flag, op=dist.ReduceOp.MAX)
                stop = flag.item() > 0
            if stop:
                break
        if stop:
            break
    log(f"best validation perplexity {best:.2f}; model: {args.output}")
    if distributed:
        dist.destroy_process_group()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", required=True, choices=["rnn", "lstm", "gru"])
    parser.add_argument("--train", required=True, help="training text, one sentence per line")
    parser.add_argument("--valid", required=True, help="validation text for early stopping")
    parser.add_argument("--output", help="the model file to write (the best by validation perplexity)")
    parser.add_argument("--vocabulary-size", type=int, default=5000)
    parser.add_argument("--embedding", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32, help="sentences per batch in each process")
    parser.add_argument("--bptt", type=int, default=35)
    parser.add_argument("--learning-rate", type=float, default=0.003)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--clip", type=float, default=1.0)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--patience", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-minutes", type=float)
    parser.add_argument("--lowercase", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--f16", action="store_true", help="save the model as F16")
    parser.add_argument("--description", help="one line saved in the model and shown to the learner")
    parser.add_argument("--cpu", action="store_true", help="stay on the CPU even when a GPU is present")
    parser.add_argument("--print-vocabulary", action="store_true",
                        help="print the vocabulary as JSON and stop (no torch needed)")
    args = parser.parse_args(argv)
    try:
        if not (0 <= args.dropout < 1):
            raise InputError("--dropout must be in [0, 1)")
        if args.vocabulary_size < 2 or min(args.embedding, args.hidden, args.layers, args.batch_size, args.bptt) < 1:
            raise InputError("sizes must be positive (and the vocabulary at least 2 words)")
        if args.description and any(c in args.description for c in "\n\r\t\x1b"):
            raise InputError("--description must be one line without control characters")
        if args.print_vocabulary:
            vocabulary = build_vocabulary(read_lines(args.train), args.vocabulary_size, args.lowercase)
            print(json.dumps(vocabulary, ensure_ascii=False))
            return 0
        if not args.output:
            raise InputError("--output is needed to train")
        if not os.path.isdir(os.path.dirname(os.path.abspath(args.output))):
            raise InputError(f"{args.output}: its folder does not exist")
        train(args)
    except InputError as error:
        print(f"train_torch.py: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
