#!/usr/bin/env python3
"""Convert a model trained by PyTorch's word-language-model example into a tutor model file.

    python3 scripts/import_torch_example.py MODEL.pt --data DIR --output FILE.safetensors
                                            [--model RNN_TANH|RNN_RELU|LSTM|GRU]
                                            [--description TEXT]

MODEL.pt is what pytorch/examples `word_language_model/main.py` saves (a whole
pickled `model.RNNModel`), or that model's `state_dict()`. DIR is the data
folder it was trained on (train.txt, valid.txt, test.txt): the vocabulary is
not in the saved file, so it is rebuilt from the text exactly as the example's
`Dictionary` builds it. A state_dict does not record whether a plain RNN used
tanh or ReLU: give `--model` then, as you gave it to main.py.

Needs only `torch` and `safetensors`. A pickle can run code, so a whole model
is read by torch's weights-only unpickler, allowed to build the example's
model class (as an empty stand-in) and torch's own module and tensor classes,
and nothing else. Every problem is one line on standard error naming the file;
the output is written to a temporary file and renamed into place, so a failed
run leaves nothing behind.
"""

import argparse
import json
import os
import pickle
import re
import sys
import tempfile

try:
    import torch
    import torch.nn as nn
    from safetensors.torch import save_file
except ImportError as missing:  # pragma: no cover - depends on the machine
    sys.exit(f"import_torch_example.py: needs PyTorch and safetensors ({missing}); "
             "pip install torch safetensors")

# The example's --model choices and what they mean here.
RNN_TYPES = {"RNN_TANH": ("rnn", "tanh"), "RNN_RELU": ("rnn", "relu"), "LSTM": ("lstm", None), "GRU": ("gru", None)}
GATE_ROWS = {"rnn": 1, "lstm": 4, "gru": 3}
END_OF_SENTENCE = "<eos>"   # what the example's Corpus appends to every line
SAVE_STATE_DICT = "save model.state_dict() instead (torch.save(model.state_dict(), 'model.pt'))"


class ConversionError(Exception):
    """One line for the user: the file it concerns and what is wrong."""


class ExampleModelStandIn(nn.Module):
    """Receives the attributes of a pickled `model.RNNModel`. It has no code of
    its own: only its state (modules, tensors, plain values) is read."""


TRANSFORMER_CLASS = "model.TransformerModel"


def load_saved(path):
    """The state_dict and, for a whole pickled model, its `rnn_type` (else None)."""
    if not os.path.isfile(path):
        raise ConversionError(f"{path}: no such file")
    allowed = [(ExampleModelStandIn, "model.RNNModel"),
               nn.Embedding, nn.Linear, nn.Dropout, nn.RNN, nn.LSTM, nn.GRU]
    try:
        with torch.serialization.safe_globals(allowed):
            loaded = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if TRANSFORMER_CLASS in str(error):
            raise ConversionError(f"{path}: a Transformer model (--model Transformer); the tutor shows "
                                  "recurrent networks only: train with --model LSTM, GRU, RNN_TANH or RNN_RELU")
        refused = re.search(r"(?:Unsupported global: GLOBAL|unsupported GLOBAL) (\S+)", str(error))
        if refused:
            raise ConversionError(f"{path}: it holds {refused.group(1)}, which is not the example's RNNModel or a "
                                  f"torch module or tensor, and a pickle can run code: {SAVE_STATE_DICT}")
        raise ConversionError(f"{path}: not a PyTorch save file this converter can read safely "
                              f"({unpickler_reason(error)}); {SAVE_STATE_DICT}")
    except Exception as error:  # not a torch save file at all, truncated, ...
        raise ConversionError(f"{path}: not a PyTorch save file ({first_line(error)})")

    if isinstance(loaded, ExampleModelStandIn):
        rnn_type = getattr(loaded, "rnn_type", None)
        return loaded.state_dict(), rnn_type
    if isinstance(loaded, dict) and loaded and all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                                   for k, v in loaded.items()):
        return dict(loaded), None
    raise ConversionError(f"{path}: holds a {type(loaded).__name__}, not the example's model or its state_dict; "
                          f"{SAVE_STATE_DICT}")


def unpickler_reason(error):
    """torch's weights-only error without its paragraphs of advice."""
    advice = ("Weights only load failed", "Please file an issue", "Check the documentation", "Re-running")
    lines = [line.replace("WeightsUnpickler error:", "").strip() for line in str(error).splitlines()]
    lines = [line for line in lines if line and not line.startswith(advice)]
    return "; ".join(lines) or "unreadable pickle"


def first_line(error):
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def read_kind(path, state, rnn_type, given):
    """(cell, nonlinearity) from the pickled rnn_type, --model, or the shapes."""
    if any(name.startswith(("transformer_encoder.", "pos_encoder.")) for name in state) or \
            (given or "").lower() == "transformer" or (rnn_type or "").lower() == "transformer":
        raise ConversionError(f"{path}: a Transformer model (--model Transformer); the tutor shows recurrent "
                              "networks only: train with --model LSTM, GRU, RNN_TANH or RNN_RELU")
    for name, value in (("--model", given), ("the model's rnn_type", rnn_type)):
        if value is not None and value not in RNN_TYPES:
            raise ConversionError(f"{path}: {name} is {value!r}; expected one of {', '.join(RNN_TYPES)}")
    if given and rnn_type and given != rnn_type:
        raise ConversionError(f"{path}: the model says rnn_type {rnn_type}, but --model says {given}")
    chosen = rnn_type or given
    weight = state.get("rnn.weight_hh_l0")
    if weight is None or weight.dim() != 2 or weight.shape[1] == 0:
        raise ConversionError(f"{path}: no usable rnn.weight_hh_l0; this is not the example's RNNModel")
    rows = weight.shape[0] // weight.shape[1]
    fitting = [t for t, (cell, _) in RNN_TYPES.items() if GATE_ROWS[cell] == rows
               and weight.shape[0] == rows * weight.shape[1]]
    if chosen is None:
        if not fitting:
            raise ConversionError(f"{path}: rnn.weight_hh_l0 has shape {list(weight.shape)}, which fits no RNN, LSTM or GRU")
        if len(fitting) > 1:
            raise ConversionError(f"{path}: a state_dict does not say whether its RNN used tanh or ReLU; "
                                  "give --model RNN_TANH or --model RNN_RELU, as you gave it to main.py")
        chosen = fitting[0]
    if chosen not in fitting:
        raise ConversionError(f"{path}: rnn_type {chosen} does not fit rnn.weight_hh_l0's shape {list(weight.shape)}")
    return RNN_TYPES[chosen]


def rebuild_vocabulary(data):
    """The example's Dictionary: words in order of first appearance across
    train.txt, valid.txt and test.txt, each line split on white space and
    ended by <eos>. Read the way data.py reads it (UTF-8, text mode)."""
    if not os.path.isdir(data):
        raise ConversionError(f"{data}: no such folder (--data is the folder with train.txt, valid.txt and test.txt)")
    words, seen = [], set()
    for split in ("train.txt", "valid.txt", "test.txt"):
        path = os.path.join(data, split)
        try:
            with open(path, "r", encoding="utf8") as f:
                for line in f:
                    for word in line.split() + [END_OF_SENTENCE]:
                        if word not in seen:
                            seen.add(word)
                            words.append(word)
        except FileNotFoundError:
            raise ConversionError(f"{path}: no such file (the example reads train.txt, valid.txt and test.txt)")
        except UnicodeDecodeError as error:
            raise ConversionError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})")
        except OSError as error:
            raise ConversionError(f"{path}: cannot read the file ({error.strerror})")
    return words


def tutor_tensors(path, state, cell):
    """The example's names (encoder, rnn, decoder) as the tutor's (embedding, rnn, head), as F32.
    Tied weights are one tensor in PyTorch; each name gets its own copy here."""
    expected_prefixes = ("encoder.", "rnn.", "decoder.")
    for name in state:
        if not name.startswith(expected_prefixes):
            raise ConversionError(f"{path}: unexpected tensor {name!r}; the example's RNNModel has only encoder, rnn and decoder")
        if name.startswith("rnn.") and name.endswith("_reverse"):
            raise ConversionError(f"{path}: tensor {name!r} belongs to a bidirectional RNN; the tutor runs one direction")
    for name in ("encoder.weight", "decoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0"):
        if name not in state:
            raise ConversionError(f"{path}: missing tensor {name!r}")
    for name, tensor in state.items():
        if not tensor.is_floating_point():
            raise ConversionError(f"{path}: tensor {name!r} has dtype {tensor.dtype}, not floating point")
        if not torch.isfinite(tensor).all():
            raise ConversionError(f"{path}: tensor {name!r} has a non-finite value")

    embedding, head = state["encoder.weight"], state["decoder.weight"]
    hidden = state["rnn.weight_hh_l0"].shape[1]
    rows = GATE_ROWS[cell] * hidden
    if embedding.dim() != 2 or head.dim() != 2:
        raise ConversionError(f"{path}: encoder.weight and decoder.weight must be matrices")
    vocabulary_size, width = embedding.shape
    layers = 0
    while f"rnn.weight_ih_l{layers}" in state:
        layers += 1

    def check(name, tensor, shape):
        if tuple(tensor.shape) != tuple(shape):
            raise ConversionError(f"{path}: tensor {name!r} has shape {list(tensor.shape)}, expected {list(shape)}")
        return tensor.detach().to(torch.float32).clone().contiguous()

    out = {"embedding.weight": check("encoder.weight", embedding, (vocabulary_size, width))}
    for k in range(layers):
        inputs = width if k == 0 else hidden
        out[f"rnn.weight_ih_l{k}"] = check(f"rnn.weight_ih_l{k}", state[f"rnn.weight_ih_l{k}"], (rows, inputs))
        if f"rnn.weight_hh_l{k}" not in state:
            raise ConversionError(f"{path}: missing tensor 'rnn.weight_hh_l{k}'")
        out[f"rnn.weight_hh_l{k}"] = check(f"rnn.weight_hh_l{k}", state[f"rnn.weight_hh_l{k}"], (rows, hidden))
        for bias in ("bias_ih", "bias_hh"):
            name = f"rnn.{bias}_l{k}"
            # Trained with bias=False: the same network with zero biases.
            out[name] = check(name, state[name], (rows,)) if name in state else torch.zeros(rows)
    known = set(out) | {"encoder.weight", "decoder.weight", "decoder.bias"}
    for name in state:
        if name not in known:
            raise ConversionError(f"{path}: unexpected tensor {name!r} (layers 0…{layers - 1} are complete without it)")
    out["head.weight"] = check("decoder.weight", head, (vocabulary_size, hidden))
    out["head.bias"] = check("decoder.bias", state["decoder.bias"], (vocabulary_size,)) \
        if "decoder.bias" in state else torch.zeros(vocabulary_size)
    return out, layers


def convert(model_path, data, output, given_type=None, description=None):
    """Reads, checks and writes; returns a one-line summary. Raises ConversionError."""
    state, rnn_type = load_saved(model_path)
    cell, nonlinearity = read_kind(model_path, state, rnn_type, given_type)
    tensors, layers = tutor_tensors(model_path, state, cell)
    vocabulary = rebuild_vocabulary(data)
    rows = tensors["embedding.weight"].shape[0]
    if len(vocabulary) != rows:
        raise ConversionError(f"{data}: train.txt, valid.txt and test.txt give {len(vocabulary)} distinct words "
                              f"(<eos> included), but {model_path} has {rows} rows in encoder.weight: "
                              "was it trained on this data folder?")
    tied = state["encoder.weight"].data_ptr() == state["decoder.weight"].data_ptr()
    kind = f"RNN_{nonlinearity.upper()}" if cell == "rnn" else cell.upper()
    metadata = {
        "cell": cell, "task": "lm", "vocab": json.dumps(vocabulary, ensure_ascii=False),
        "lowercase": "false", "tokenizer": "whitespace", "eos": END_OF_SENTENCE,
        "description": description or (f"{kind}, {layers} layer{'s' if layers > 1 else ''}, from PyTorch's "
                                       f"word-language-model example, trained on {os.path.basename(os.path.abspath(data))}"),
    }
    if cell == "rnn":
        metadata["nonlinearity"] = nonlinearity
    if "<unk>" in vocabulary:
        metadata["unk"] = "<unk>"
    if any(ch in metadata["description"] for ch in "\n\r\t\x1b"):
        raise ConversionError("--description: must be one line without control characters")

    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise ConversionError(f"{output}: the folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=".import-", suffix=".safetensors", dir=folder)
    os.close(handle)
    try:
        save_file(tensors, temporary, metadata=metadata)
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except OSError as error:
        raise ConversionError(f"{output}: cannot write the file ({error.strerror})")
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    width = tensors["embedding.weight"].shape[1]
    hidden = tensors["rnn.weight_hh_l0"].shape[1]
    return (f"{output}: {kind}, {layers} layer{'s' if layers > 1 else ''}, {len(vocabulary)} words, "
            f"E = {width}, H = {hidden}{', tied weights' if tied else ''}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", metavar="MODEL.pt", help="what main.py saved (--save), or its state_dict")
    parser.add_argument("--data", required=True, help="the data folder it was trained on (train.txt, valid.txt, test.txt)")
    parser.add_argument("--output", required=True, help="the .safetensors file to write")
    parser.add_argument("--model", dest="rnn_type", help="RNN_TANH, RNN_RELU, LSTM or GRU (needed for a plain RNN's state_dict)")
    parser.add_argument("--description", help="one line shown in the tutor")
    args = parser.parse_args(argv)
    try:
        print(convert(args.model, args.data, args.output, args.rnn_type, args.description))
    except ConversionError as error:
        print(f"import_torch_example.py: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
