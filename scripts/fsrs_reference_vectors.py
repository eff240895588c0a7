"""Print FSRS-6 expected values from py-fsrs (the reference Python implementation)
as Swift literals for Tests/PracticeTests/FSRSTests.swift.

    python3 -m venv /work/.venv-fsrs && /work/.venv-fsrs/bin/pip install fsrs==6.3.2
    /work/.venv-fsrs/bin/python scripts/fsrs_reference_vectors.py

Fuzz is disabled (py-fsrs draws it from the unseeded global `random`), so every
value is deterministic; the fuzz *range* is printed separately.
"""
from datetime import datetime, timedelta, timezone
from importlib.metadata import version

from fsrs import Card, Rating, Scheduler

print(f"// py-fsrs {version('fsrs')}")
scheduler = Scheduler(enable_fuzzing=False)

# A history that visits every state and every grade: same-day steps, on-time
# reviews, an overdue review, a same-day re-review of a review card, lapses.
# Each entry: (rating, hours after the previous review, or None = at card.due).
history = [
    (Rating.Again, None), (Rating.Hard, None), (Rating.Good, None), (Rating.Good, None),
    (Rating.Good, None), (Rating.Hard, None), (Rating.Good, 24 * 9 + 3),
    (Rating.Good, 2), (Rating.Easy, None), (Rating.Again, None), (Rating.Again, None),
    (Rating.Hard, None), (Rating.Good, None), (Rating.Good, 24 * 30), (Rating.Easy, None),
    (Rating.Hard, None), (Rating.Good, None),
]
card = Card(card_id=1)
now = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
card.due = now
print("// (rating, review time as Unix seconds, state, step, stability, difficulty, due as Unix seconds)")
for rating, hours in history:
    now = card.due if hours is None else now + timedelta(hours=hours)
    card, _ = scheduler.review_card(card, rating, now)
    print(f"    Expected(.{rating.name.lower()}, {int(now.timestamp())}, .{card.state.name.lower()}, "
          f"{card.step if card.step is not None else 'nil'}, {card.stability!r}, {card.difficulty!r}, "
          f"{int(card.due.timestamp())}),")

print("// fuzz ranges: (interval, min, max)")
# py-fsrs keeps _get_fuzz_range nested inside _get_fuzzed_interval; rebuild it from its
# code object (its only free variable is `self`) to call it directly.
import types

outer = Scheduler._get_fuzzed_interval.__code__
inner = next(c for c in outer.co_consts if isinstance(c, types.CodeType) and c.co_name == "_get_fuzz_range")
get_fuzz_range = types.FunctionType(inner, vars(__import__("fsrs.scheduler").scheduler),
                                    closure=(types.CellType(scheduler),))
for days in [3, 5, 7, 10, 20, 30, 100, 1000, 36500]:
    lo, hi = get_fuzz_range(interval_days=days)
    print(f"    ({days}, {lo}, {hi}),")
