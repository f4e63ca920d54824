#!/usr/bin/env python3
"""Check the evaluation question sets in this folder (standard library only).

Usage:  python3 tests/data/eval/check_sets.py [--corpus PATH] [--seed PATH]

Verifies, for every *.jsonl file in this folder:
  * each line is valid JSON with the required fields and value types;
  * ids are unique across all files;
  * every answerable question points to a document that exists (an archive
    record id, or the seed report id) and unanswerable ones have doc null and
    an empty answer_contains;
  * every answer_contains string occurs verbatim in that document's
    title + "\n" + body (for the seed report: in the file text);
  * the tune/heldout split follows the documented rule (see README.md) and is
    balanced per file and per kind;
  * no question is a verbatim copy of its gold item's title, no question text
    is repeated.
Prints counts per file / lang / kind / half.  Exit status 1 on any error.
"""

import argparse
import collections
import hashlib
import json
import lzma
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[2] if len(HERE.parents) > 2 else pathlib.Path.cwd()
DEFAULT_CORPUS = REPO / "corpus" / "thaigov-cabinet-items.jsonl.xz"
DEFAULT_SEED = REPO / "corpus" / "cabinet-2020-08-13-asean-china-digital-economy.txt"
SEED_ID = "cabinet-2020-08-13-asean-china-digital-economy"

FIELDS = {
    "id": str,
    "lang": str,
    "question": str,
    "doc": (str, type(None)),
    "answer_contains": list,
    "answerable": bool,
    "half": str,
    "kind": str,
}
KINDS = {
    "archive_th.jsonl": {"formal", "casual", "number", "year", "abbrev", "paraphrase", "typo"},
    "archive_en.jsonl": {"casual", "formal", "number", "name"},
    "archive_unanswerable.jsonl": {"near", "offtopic", "nonsense"},
    "seed.jsonl": {"casual", "formal"},
    "fresh_archive.jsonl": {"formal", "casual", "number", "name", "year", "abbrev", "typo"}
    | {"paraphrase"},
    "fresh_unanswerable.jsonl": {"near", "offtopic", "nonsense"},
    "fresh_seed.jsonl": {"casual", "formal", "paraphrase", "typo"},
}
# Halves drawn once, when the set arrived, by a seeded shuffle within each language and kind
# (README.md): checked for balance, not against the sha1 rule.
DRAWN_HALVES = {"fresh_archive.jsonl", "fresh_unanswerable.jsonl", "fresh_seed.jsonl"}
# Sets of another format, checked by their own tests (meetings.jsonl: bot/evaluate_listings.py).
OTHER_FORMAT = {"meetings.jsonl"}


def expected_halves(records):
    """The split rule: within one file and one kind, sort by sha1(id) and
    alternate tune, heldout, tune, ... starting with tune."""
    by_kind = collections.defaultdict(list)
    for r in records:
        by_kind[r["kind"]].append(r["id"])
    out = {}
    for ids in by_kind.values():
        ids.sort(key=lambda i: hashlib.sha1(i.encode("utf-8")).hexdigest())
        for n, i in enumerate(ids):
            out[i] = "tune" if n % 2 == 0 else "heldout"
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--seed", default=str(DEFAULT_SEED))
    args = ap.parse_args()

    errors = []
    docs, titles = {}, {}
    with lzma.open(args.corpus, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            docs[r["id"]] = (r.get("title") or "") + "\n" + (r.get("body") or "")
            titles[r["id"]] = (r.get("title") or "").strip()
    docs[SEED_ID] = pathlib.Path(args.seed).read_text(encoding="utf-8")

    files = sorted(path for path in HERE.glob("*.jsonl") if path.name not in OTHER_FORMAT)
    if not files:
        errors.append("no .jsonl files found")
    seen_ids = {}
    seen_q = {}
    table = []
    for path in files:
        recs = []
        for ln, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name}:{ln}"
            if not line.strip():
                errors.append(f"{where}: empty line")
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{where}: invalid JSON ({e})")
                continue
            bad = False
            for k, t in FIELDS.items():
                if k not in r:
                    errors.append(f"{where}: missing field {k!r}")
                    bad = True
                elif not isinstance(r[k], t):
                    errors.append(f"{where}: field {k!r} has type {type(r[k]).__name__}")
                    bad = True
            if bad:
                continue
            if r["lang"] not in ("th", "en"):
                errors.append(f"{where}: lang {r['lang']!r}")
            if r["half"] not in ("tune", "heldout"):
                errors.append(f"{where}: half {r['half']!r}")
            allowed = KINDS.get(path.name)
            if allowed is not None and r["kind"] not in allowed:
                errors.append(f"{where}: kind {r['kind']!r} not in {sorted(allowed)}")
            if not r["question"].strip():
                errors.append(f"{where}: empty question")
            if r["id"] in seen_ids:
                errors.append(f"{where}: duplicate id {r['id']} (also {seen_ids[r['id']]})")
            seen_ids[r["id"]] = where
            qkey = " ".join(r["question"].split()).lower()
            if qkey in seen_q:
                errors.append(f"{where}: duplicate question text (also {seen_q[qkey]})")
            seen_q[qkey] = where
            if r["answerable"]:
                if r["doc"] not in docs:
                    errors.append(f"{where}: doc {r['doc']!r} not in archive/seed")
                else:
                    text = docs[r["doc"]]
                    if not 0 <= len(r["answer_contains"]) <= 2:
                        errors.append(f"{where}: answer_contains should have 0-2 entries")
                    for s in r["answer_contains"]:
                        if not isinstance(s, str) or not s:
                            errors.append(f"{where}: bad answer_contains entry {s!r}")
                        elif s not in text:
                            errors.append(f"{where}: {s!r} not found in {r['doc']}")
                    t = titles.get(r["doc"])
                    if t and " ".join(r["question"].split()) == " ".join(t.split()):
                        errors.append(f"{where}: question copies the gold title verbatim")
                if path.name.endswith("seed.jsonl") and r["doc"] != SEED_ID:
                    errors.append(f"{where}: seed question must point to {SEED_ID}")
                if "archive" in path.name and r["doc"] == SEED_ID:
                    errors.append(f"{where}: archive question points to the seed report")
            else:
                if r["doc"] is not None or r["answer_contains"]:
                    errors.append(
                        f"{where}: unanswerable needs doc null and empty answer_contains"
                    )
            recs.append(r)

        exp = expected_halves(recs)
        for r in recs:
            if path.name not in DRAWN_HALVES and exp[r["id"]] != r["half"]:
                errors.append(
                    f"{path.name}: {r['id']} half {r['half']} but the rule gives {exp[r['id']]}"
                )
        per_kind = collections.defaultdict(collections.Counter)
        for r in recs:
            per_kind[r["kind"]][r["half"]] += 1
        drawn = path.name in DRAWN_HALVES  # drawn per language and kind
        groups = collections.defaultdict(collections.Counter)
        for r in recs:
            groups[(r["lang"], r["kind"]) if drawn else r["kind"]][r["half"]] += 1
        for k, c in groups.items():
            if abs(c["tune"] - c["heldout"]) > 1:
                errors.append(
                    f"{path.name}: kind {k} split {c['tune']}/{c['heldout']} not balanced"
                )
        tot = collections.Counter(r["half"] for r in recs)
        slack = len(groups) if drawn else max(2, round(0.05 * len(recs)))
        if abs(tot["tune"] - tot["heldout"]) > slack:
            errors.append(f"{path.name}: split {tot['tune']}/{tot['heldout']} not ~50/50")
        table.append((path.name, recs, per_kind, tot))

    print("Evaluation sets in", HERE)
    grand = collections.Counter()
    for name, recs, per_kind, tot in table:
        langs = collections.Counter(r["lang"] for r in recs)
        ndocs = len({r["doc"] for r in recs if r["doc"]})
        print(
            f"\n{name}: {len(recs)} questions (tune {tot['tune']} / heldout {tot['heldout']});"
            f" lang {dict(sorted(langs.items()))}; distinct gold docs {ndocs}"
        )
        print(f"  {'kind':<11}{'total':>6}{'tune':>6}{'heldout':>8}")
        for k in sorted(per_kind):
            c = per_kind[k]
            print(f"  {k:<11}{c['tune'] + c['heldout']:>6}{c['tune']:>6}{c['heldout']:>8}")
        grand.update(tot)
    print(
        f"\nall files: {sum(grand.values())} questions,"
        f" tune {grand['tune']} / heldout {grand['heldout']}"
    )
    if errors:
        print(f"\nFAILED: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
