"""Edge: real misses as test questions. `python -m bot feedback export FILE.jsonl` writes the
down-voted and the declined questions the state database kept, in the question format `eval`
reads (bot.evaluate.parse_question): an id, the language, the question, and what the bot showed
and why it was voted down. `doc` is left null for a person to fill in with the report that does
answer (or to leave null when none does: an unanswerable question).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.archive import write_archive
from bot.state import State


def export_misses(state: State, out: Path) -> int:
    """Write the misses to `out` (whole, or not at all: bot.archive's writer); how many."""
    rows = []
    for miss in state.misses():
        question = str(miss["question"])
        digest = hashlib.blake2b(f"{question}\x1f{miss['at']}".encode(), digest_size=4)
        rows.append(
            {
                "id": f"fb-{digest.hexdigest()}",
                "lang": miss["language"],
                "question": question,
                "doc": None,
                "kind": f"feedback-{miss['reason'] or 'down'}",
                "shown": miss["shown"],
                "at": miss["at"],
            }
        )
    write_archive(rows, out)
    return len(rows)
