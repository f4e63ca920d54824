"""Edge: the command line. `python -m bot [run | ask | eval | index | import | bench]`."""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import logging
import lzma
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bot import archive, bench, engine
from bot.agenda import Agenda, listing_for
from bot.answer import Answer, ask
from bot.burst import burst_table, run_burst
from bot.config import LOG_LEVELS, SettingsError, default_cache_dir, load_settings
from bot.corpus import CorpusError, jsonl_lines, read_posts
from bot.evaluate import (
    Question,
    QuestionFormatError,
    outcome_record,
    parse_question,
    run,
    summarize,
    table,
)
from bot.evaluate_listings import is_listing, parse_listing, score, summary_table
from bot.feedback_export import export_misses
from bot.index import SearchIndex
from bot.index.build import build, from_reports
from bot.render import to_text
from bot.render_agenda import listing_text
from bot.squad import as_unanswerable, is_squad, read_squad
from bot.state import State

log = logging.getLogger("bot")


def _json_default(value: object) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def answer_json(answer: Answer) -> str:
    """The Answer as JSON (dates in ISO form; each excerpt's passage as its text)."""
    record: dict[str, Any] = {
        field.name: getattr(answer, field.name)
        for field in dataclasses.fields(answer)
        if field.name not in ("excerpts", "results")
    }
    record["excerpts"] = [
        dataclasses.asdict(excerpt) | {"passage": excerpt.passage.text}
        for excerpt in answer.excerpts
    ]
    return json.dumps(
        record | {"found": answer.found},
        ensure_ascii=False,
        indent=2,
        default=_json_default,
    )


def load_index(paths: Sequence[Path]) -> SearchIndex:
    """The corpus's index (from its cache when current), logging what was loaded and skipped."""
    built = engine.load_index(paths, _cache_for(paths))
    for line in built.describe():
        log.info("%s", line)
    return built.index


def _cache_for(paths: Sequence[Path]) -> Path:
    settings = load_settings()
    if settings.index_dir and list(paths) == [settings.corpus_dir]:
        return settings.index_dir
    return default_cache_dir(paths)


def _corpus_paths(given: list[Path] | None) -> list[Path]:
    return given or [load_settings().corpus_dir]


def command_ask(args: argparse.Namespace) -> int:
    """Answer one question in the terminal."""
    index = load_index(_corpus_paths(args.corpus))
    listing = listing_for(Agenda.of(index.reports.values()), args.question)
    if listing is not None and not args.json:  # a meeting asked for: its items
        print(listing_text(listing))
        return 0
    answer = ask(index, args.question, max_excerpts=args.results)
    print(answer_json(answer) if args.json else to_text(answer))
    return 0


def _question_records(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a question file (.jsonl, .jsonl.gz or .jsonl.xz), one per line."""
    records = []
    try:
        for number, line in enumerate(jsonl_lines(path), start=1):
            if line.strip():
                try:
                    record = json.loads(line.decode("utf-8-sig"))
                except (UnicodeDecodeError, json.JSONDecodeError) as error:
                    raise SystemExit(f"{path}:{number}: {error}") from None
                if not isinstance(record, dict):
                    raise SystemExit(f"{path}:{number}: not a JSON object")
                records.append(record)
    except (EOFError, lzma.LZMAError, gzip.BadGzipFile) as error:
        raise SystemExit(f"{path}: unreadable ({error})") from None
    return records


def _eval_set(args: argparse.Namespace) -> tuple[SearchIndex, list[Question]]:
    """The questions to ask and the index to ask them of.

    A SQuAD-shaped file (iapp-wiki-qa) is asked of its own paragraphs (with those of any
    --paragraphs files), or, with --unanswerable, of the corpus as questions it cannot answer.
    """
    records = _question_records(args.questions)
    if records and is_squad(records[0]):
        try:
            squad = read_squad(records)
            extra = [read_squad(_question_records(path)).paragraphs for path in args.paragraphs]
        except QuestionFormatError as error:
            raise SystemExit(f"{args.questions}: {error}") from None
        questions = list(squad.questions[: args.limit])
        if args.unanswerable:
            return load_index(_corpus_paths(args.corpus)), as_unanswerable(questions)
        paragraphs = {p.doc_id: p for p in (*squad.paragraphs, *(p for ps in extra for p in ps))}
        return from_reports(list(paragraphs.values())), questions
    questions = []
    for number, record in enumerate(records, start=1):
        try:
            question = parse_question(record)
        except QuestionFormatError as error:
            raise SystemExit(f"{args.questions}:{number}: {error}") from None
        if not args.half or question.half == args.half:
            questions.append(question)
    return load_index(_corpus_paths(args.corpus)), questions[: args.limit]


def command_eval(args: argparse.Namespace) -> int:
    """Evaluate a question file and print the metrics table and a JSON summary line."""
    records = _question_records(args.questions)
    if records and is_listing(records[0]):
        return _eval_listings(args, records)
    index, questions = _eval_set(args)
    outcomes = run(index, questions, k=args.k)
    if args.out:
        with args.out.open("w", encoding="utf-8") as handle:
            for outcome in outcomes:
                handle.write(json.dumps(outcome_record(outcome), ensure_ascii=False) + "\n")
    summary = summarize(outcomes, by_kind=args.by_kind)
    print(table(summary))
    print(json.dumps({"set": args.questions.name, "passages": len(index), **summary}))
    return 0


def _eval_listings(args: argparse.Namespace, records: list[dict[str, Any]]) -> int:
    """Questions asking for meetings, scored by the items their replies list."""
    try:
        questions = [parse_listing(record) for record in records]
    except QuestionFormatError as error:
        raise SystemExit(f"{args.questions}: {error}") from None
    questions = [q for q in questions if not args.half or q.half == args.half][: args.limit]
    index = load_index(_corpus_paths(args.corpus))
    scored = score(Agenda.of(index.reports.values()), questions)
    print(summary_table(scored))
    n = len(scored) or 1
    summary = {
        "questions": len(scored),
        "listed": round(sum(s.listed for s in scored) / n, 4),
        "precision": round(sum(s.precision for s in scored) / n, 4),
        "recall": round(sum(s.recall for s in scored) / n, 4),
    }
    print(json.dumps({"set": args.questions.name, **summary}))
    return 0


def command_index(args: argparse.Namespace) -> int:
    """Build the index and save it, re-tokenizing only reports whose content changed."""
    paths = _corpus_paths(args.corpus)
    folder = args.cache or _cache_for(paths)
    built = build(paths, folder)
    for line in built.describe():
        print(line)
    print(f"saved in {folder}")
    return 0


def command_feedback(args: argparse.Namespace) -> int:
    """Write the down-voted and declined questions as eval questions."""
    settings = load_settings()
    state = State.open(settings.state_path())
    if not state.available:
        print(
            f"error: the state database {state.path} is unavailable: {state.problem}",
            file=sys.stderr,
        )
        return 2
    try:
        count = export_misses(state, args.out)
    finally:
        state.close()
    print(f"wrote {count} questions to {args.out} (from {state.path})")
    return 0


def command_import(args: argparse.Namespace) -> int:
    """Split meeting posts into items and write the archive; print what each post gave."""
    built = archive.build_archive(read_posts(args.sources))
    for line in archive.describe(built):
        print(line)
    if not built.records:
        print("error: no meeting item found; nothing written", file=sys.stderr)
        return 1
    size = archive.write_archive(built.records, args.out)
    shown = f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 1024:.0f} KB"
    print(f"wrote {len(built.records)} items to {args.out} ({shown})")
    return 0


def _archive_path(value: str) -> Path:
    path = Path(value)
    try:
        archive.archive_kind(path)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return path


def command_bench(args: argparse.Namespace) -> int:
    """Measure build, load, search and memory against rank-bm25's own loop; print a table.
    With --burst N: N questions at once through the real bot and a local Bot API server."""
    questions = bench.read_questions(args.queries)
    if args.burst:
        paths = _corpus_paths(args.corpus)
        loaded = engine.Engine.load(paths, _cache_for(paths), args.workers)
        measured = run_burst(
            loaded, questions, args.burst, alone=args.alone, apart=args.server_process
        )
        print(burst_table(measured))
        print(json.dumps({"burst": dataclasses.asdict(measured)}))
        return 0
    print(bench.report(bench.run(_corpus_paths(args.corpus), questions)))
    return 0


def command_run(args: argparse.Namespace) -> int:
    """Start the Telegram bot (or, without a token in a terminal, a local console chat)."""
    from bot.service import serve  # the Telegram edge is loaded only when it is needed

    return serve(load_settings(), console=args.console)


def _result_count(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 10:
        raise argparse.ArgumentTypeError("give a number from 1 to 10")
    return int(value)


def _log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"use {', '.join(LOG_LEVELS)}, not {value!r}")
    return level


def parser() -> argparse.ArgumentParser:
    """The argument parser: run (default), ask, eval, index, import, bench, feedback."""
    main_parser = argparse.ArgumentParser(
        prog="python -m bot", description="Answer questions about Thai cabinet reports."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--log-level",
        type=_log_level,
        default=argparse.SUPPRESS,
        help="DEBUG, INFO, WARNING, ERROR or CRITICAL",
    )
    main_parser.add_argument("--log-level", type=_log_level, help=argparse.SUPPRESS)
    commands = main_parser.add_subparsers(dest="command")

    run_parser = commands.add_parser(
        "run", parents=[common], help="start the Telegram bot (the default)"
    )
    run_parser.add_argument(
        "--console", action="store_true", help="chat in this terminal instead of Telegram"
    )
    run_parser.set_defaults(handler=command_run)

    corpus_help = "report file or folder (repeatable); default: CORPUS_DIR or corpus/"
    ask_parser = commands.add_parser(
        "ask", parents=[common], help="answer one question in the terminal"
    )
    ask_parser.add_argument("question")
    ask_parser.add_argument("--corpus", type=Path, action="append", help=corpus_help)
    ask_parser.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask_parser.add_argument(
        "--results", type=_result_count, default=3, help="excerpts to show (1-10)"
    )
    ask_parser.set_defaults(handler=command_ask)

    index_parser = commands.add_parser(
        "index", parents=[common], help="build and save the index cache"
    )
    index_parser.add_argument("--corpus", type=Path, action="append", help=corpus_help)
    index_parser.add_argument(
        "--cache", type=Path, help="cache folder (default: INDEX_DIR or one under ~/.cache)"
    )
    index_parser.set_defaults(handler=command_index)

    import_parser = commands.add_parser(
        "import",
        parents=[common],
        help="split meeting posts (a scrape's clone or a meetings JSONL) into an archive",
    )
    import_parser.add_argument(
        "sources", type=Path, nargs="+", metavar="SRC", help="folder of post .txt files or JSONL"
    )
    import_parser.add_argument(
        "--out",
        type=_archive_path,
        required=True,
        help="the archive to write: .jsonl.xz (smallest), .jsonl.gz or .jsonl",
    )
    import_parser.set_defaults(handler=command_import)

    bench_parser = commands.add_parser(
        "bench", parents=[common], help="measure speed and memory on a corpus"
    )
    bench_parser.add_argument("--corpus", type=Path, action="append", help=corpus_help)
    bench_parser.add_argument(
        "--queries",
        type=Path,
        action="append",
        help="questions (repeatable): JSONL with 'question' fields, or one per line",
    )
    bench_parser.add_argument(
        "--burst",
        type=int,
        metavar="N",
        help="instead: N questions at once through the real bot and a local Bot API server",
    )
    bench_parser.add_argument(
        "--alone", action="store_true", help="with --burst: one question at a time"
    )
    bench_parser.add_argument(
        "--server-process",
        action="store_true",
        help="with --burst: run the local Bot API server in a process of its own",
    )
    bench_parser.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="with --burst: answer in N worker processes (ANSWER_WORKERS; 0: threads)",
    )
    bench_parser.set_defaults(handler=command_bench)

    eval_parser = commands.add_parser(
        "eval", parents=[common], help="measure retrieval on a question file"
    )
    eval_parser.add_argument(
        "questions",
        type=Path,
        help="JSONL question file (.jsonl, .jsonl.gz, .jsonl.xz); SQuAD-shaped ones too",
    )
    eval_parser.add_argument("--corpus", type=Path, action="append", help=corpus_help)
    eval_parser.add_argument("--k", type=int, default=10, help="hits kept per question")
    eval_parser.add_argument("--out", type=Path, help="write one JSON line per question here")
    eval_parser.add_argument(
        "--half", choices=("tune", "heldout"), help="only the questions of this half"
    )
    eval_parser.add_argument(
        "--by-kind", action="store_true", help="a row per question kind as well"
    )
    eval_parser.add_argument("--limit", type=int, help="only the first N questions")
    eval_parser.add_argument(
        "--paragraphs",
        type=Path,
        action="append",
        default=[],
        help="SQuAD-shaped file whose paragraphs join the searched ones (repeatable)",
    )
    eval_parser.add_argument(
        "--unanswerable",
        action="store_true",
        help="SQuAD-shaped questions: ask them of --corpus, which cannot answer them",
    )
    eval_parser.set_defaults(handler=command_eval)

    feedback_parser = commands.add_parser(
        "feedback", parents=[common], help="what users said about answers (STATE_DB)"
    )
    feedback_commands = feedback_parser.add_subparsers(dest="feedback_command", required=True)
    export_parser = feedback_commands.add_parser(
        "export", parents=[common], help="down-voted and declined questions as eval questions"
    )
    export_parser.add_argument("out", type=_archive_path, metavar="FILE.jsonl")
    export_parser.set_defaults(handler=command_feedback)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the command; errors become one clear line, not a trace."""
    args = parser().parse_args(argv)
    if args.command is None:
        args.handler, args.console = command_run, False
    try:
        level = args.log_level or load_settings().log_level
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        return int(args.handler(args))
    except (SettingsError, CorpusError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
