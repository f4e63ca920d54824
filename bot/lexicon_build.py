"""Edge: build `bot/data/en_th_lexicon.tsv.xz`, the English -> Thai lexicon for query translation.

Reproducible from installed packages only:
- Thai WordNet (NICT): `corpus/wordnet_th.db` inside pythainlp, rows (PWN 3.0 synset, Thai lemma);
- Princeton WordNet 3.0: `/usr/share/wordnet/data.{noun,verb,adj,adv}` from Debian's
  `wordnet-base` (`apt-get install wordnet-base`), for each synset's English lemmas;
- the Thai-English transliteration dictionary v1.4 (CC BY 4.0) shipped in pythainlp;
- pythainlp's list of Thailand's provinces with their English names.

Run: `python -m bot.lexicon_build` (writes the data file; licences are in `bot/data/`).
The hand-checked domain glossary (`bot/data/glossary.tsv`) is read at run time, not merged here.
"""

from __future__ import annotations

import argparse
import csv
import lzma
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

import pythainlp

from bot.lexicon import keys_header
from bot.text import tokenize

PYTHAINLP_CORPUS = Path(pythainlp.__file__).resolve().parent / "corpus"
WORDNET_DIR = Path("/usr/share/wordnet")
OUTPUT = Path(__file__).resolve().parent / "data" / "en_th_lexicon.tsv.xz"
ENGLISH_WORDS = "english_words.txt.xz"
# WordNet marks satellite adjectives 's' in data.adj; Thai WordNet writes them as '-a' or '-s'.
_POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}


def english_synsets(wordnet_dir: Path) -> dict[str, list[str]]:
    """PWN 3.0 'offset-pos' -> English lemmas (lower-case, spaces for underscores)."""
    synsets: dict[str, list[str]] = {}
    for name, pos in _POS.items():
        with (wordnet_dir / f"data.{name}").open(encoding="latin-1") as handle:
            for line in handle:
                if line.startswith(" "):
                    continue  # the licence header
                fields = line.split()
                offset, count = fields[0], int(fields[3], 16)
                lemmas = [
                    fields[4 + 2 * i].split("(")[0].replace("_", " ").lower() for i in range(count)
                ]
                synsets[f"{offset}-{pos}"] = lemmas
                if pos == "a":
                    synsets[f"{offset}-s"] = lemmas
    return synsets


def thai_wordnet(database: Path) -> list[tuple[str, str]]:
    """(synset, Thai lemma) rows of Thai WordNet."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT synsetid, li FROM word_synset ORDER BY synsetid, li")
        return list(rows)


def transliterations(path: Path) -> list[tuple[str, str]]:
    """(English, Thai) loanword pairs, leaving out those marked as wrong spellings."""
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [
            (row["en"].strip().lower(), row["th"].strip())
            for row in rows
            if row["check"] != "False" and row["en"] and row["th"]
        ]


def provinces(path: Path) -> list[tuple[str, str]]:
    """(English, Thai) names of Thailand's provinces, e.g. ("rayong", "ระยอง")."""
    with path.open(encoding="utf-8") as handle:
        return [(row[2].strip().lower(), row[0].strip()) for row in csv.reader(handle) if row]


def build(wordnet_dir: Path = WORDNET_DIR, output: Path = OUTPUT) -> int:
    """Write the lexicon; returns the number of English entries."""
    english = english_synsets(wordnet_dir)
    pairs: dict[str, dict[str, None]] = defaultdict(dict)
    for synset, thai in thai_wordnet(PYTHAINLP_CORPUS / "wordnet_th.db"):
        for lemma in english.get(synset, ()):
            pairs[lemma][thai.strip()] = None
    for lemma, thai in transliterations(PYTHAINLP_CORPUS / "th_en_transliteration_v1.4.tsv"):
        pairs[lemma][thai] = None
    for lemma, thai in provinces(PYTHAINLP_CORPUS / "thailand_provinces_th.csv"):
        pairs[lemma] = {thai: None} | pairs[lemma]
    output.parent.mkdir(parents=True, exist_ok=True)
    # English as bot.text.tokenize gives it (the lexicon's keys), so that start-up need not
    # tokenize 100,000 keys; where two lemmas give the same terms the first in order wins.
    entries: dict[str, str] = {}
    for lemma in sorted(pairs):
        entries.setdefault(" ".join(tokenize(lemma)), "|".join(pairs[lemma]))
    with lzma.open(output, "wt", encoding="utf-8", preset=9) as handle:
        handle.write(keys_header() + "\n")
        handle.write("# en\tth (|-separated). Sources and licences: bot/data/LICENSES.md\n")
        for key, thai in entries.items():
            if key:
                handle.write(f"{key}\t{thai}\n")
    # Every one-word English lemma, translated or not: the spelling corrector must know that
    # "recipe" is a word even though the lexicon has no Thai for it.
    words = sorted({lemma for lemmas in english.values() for lemma in lemmas if lemma.isalpha()})
    with lzma.open(output.with_name(ENGLISH_WORDS), "wt", encoding="utf-8", preset=9) as handle:
        handle.write("\n".join(words) + "\n")
    return len(pairs)


def main() -> int:
    """Build the lexicon from the installed packages."""
    parser = argparse.ArgumentParser(
        description="Build bot/data/en_th_lexicon.tsv.xz from Thai WordNet, WordNet 3.0, "
        "the transliteration dictionary and the province list."
    )
    parser.add_argument("--wordnet-dir", type=Path, default=WORDNET_DIR)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    if not (args.wordnet_dir / "data.noun").exists():
        print(f"no {args.wordnet_dir}/data.noun: apt-get install wordnet-base", file=sys.stderr)
        return 2
    count = build(args.wordnet_dir, args.output)
    print(f"wrote {count} English entries to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
