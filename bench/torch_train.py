"""Time one training step of the shipped language-model configuration in
PyTorch, to compare with `rnn-tutor bench --training` on the same machine in
the same sitting.

Set up: python3 -m venv .venv && .venv/bin/pip install 'torch==2.13.0+cpu'
Run:    .venv/bin/python bench/torch_train.py              (PyTorch's default threads: every core)
        .venv/bin/python bench/torch_train.py --threads 1  (against `rnn-tutor bench --training --threads 1`)

Each step: embedding -> dropout -> 1-layer cell -> dropout -> head over a batch
of 32 sequences of 35 steps, cross-entropy at every step, backward, clipping
by global norm 1, Adam (lr 0.003). Median of 20 timed steps after 5 warm-up."""
import argparse, time, torch, torch.nn as nn
parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, help="intra-op threads (default: PyTorch's own, the machine's cores)")
parser.add_argument("--cell", choices=("rnn", "lstm", "gru"), help="one cell type (default: all three)")
args = parser.parse_args()
if args.threads:
    torch.set_num_threads(args.threads)
print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s)")
V, E, H, B, T = 5000, 64, 128, 32, 35

class LanguageModel(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell](E, H, batch_first=True)
        self.head = nn.Linear(H, V)
        self.drop = nn.Dropout(0.2)

    def forward(self, ids):
        out, _ = self.rnn(self.drop(self.embedding(ids)))
        return self.head(self.drop(out))

for cell in (args.cell,) if args.cell else ("rnn", "lstm", "gru"):
    torch.manual_seed(0)
    model = LanguageModel(cell)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.003)
    data = torch.randint(0, V, (B, T + 1))
    inputs, targets = data[:, :-1], data[:, 1:]
    def step():
        optimiser.zero_grad()
        logits = model(inputs)
        loss = nn.functional.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
    for _ in range(5): step()
    times = []
    for _ in range(20):
        start = time.perf_counter(); step(); times.append(time.perf_counter() - start)
    times.sort()
    ms = times[len(times) // 2] * 1e3
    print(f"{cell}: {ms:.1f} ms per step, {B * T / ms * 1e3:.0f} tokens/s")
