"""The command line, run as a user runs it: `python -m bot ask` and `python -m bot eval`.

Most of these answer from the seed report alone (`--corpus`), which builds in a second; the
tests of the default corpus build the shipped archive once per session (about 25 s on two
cores) in the session's cache folder, and the others then start from that cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT, SEED, SEED_ID, shared_path


def _bot(
    *args: str, cwd: Path = PROJECT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in `cwd`, with the test environment (or `env`) and no token."""
    if env is None:
        unset = {"CORPUS_DIR", "TELEGRAM_BOT_TOKEN"}
        env = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env | {"PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ask_in_thai_prints_a_cited_answer(tmp_path: Path) -> None:
    result = _bot("ask", "แอปพลิเคชันไทยชนะ", "--corpus", str(SEED), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ผลการค้นหาสำหรับ: แอปพลิเคชันไทยชนะ")
    assert "«แอปพลิเคชันไทยชนะ»" in result.stdout
    assert "ข้อ 2 · 13 สิงหาคม 2563 (2020-08-13)" in result.stdout
    assert "loaded 1 reports, 20 passages" in result.stderr


def test_the_default_corpus_answers_from_the_archive_with_item_citations() -> None:
    thai = _bot("ask", "เทศกาลดนตรี Tomorrowland")
    assert thai.returncode == 0, thai.stderr
    assert "loaded 8853 reports" in thai.stderr  # the seed report and the archive's 8,852 items
    assert "การเสนอตัวเป็นเจ้าภาพจัดงานเทศกาลดนตรี Tomorrowland ในประเทศไทย" in thai.stdout
    assert "เรื่องที่ 13 (เศรษฐกิจ-สังคม) · ข้อ 2.2 · 26 สิงหาคม 2568 (2025-08-26)" in thai.stdout
    assert "https://www.thaigov.go.th/news/contents/details/100165" in thai.stdout
    english = _bot("ask", "Tomorrowland music festival", "--json")
    citation = json.loads(english.stdout)["excerpts"][0]["citation"]
    assert citation["item_no"] == 7 and citation["heading"] == "เศรษฐกิจ-สังคม"
    assert citation["doc_id"] == "thaigov-99008-07" and citation["meeting_date"] == "2025-07-29"
    assert "item 7 (economy and society) · §" in _bot("ask", "Tomorrowland music festival").stdout


def test_ask_in_english_with_json_output() -> None:
    result = _bot("ask", "Blockchain", "--json", "--corpus", str(SEED))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["language"] == "en" and answer["found"] is True
    citation = answer["excerpts"][0]["citation"]
    assert citation["doc_id"] == SEED_ID and citation["section"] == "1.2.4"
    assert citation["meeting_date"] == "2020-08-13"


def test_ask_with_nothing_relevant_says_so() -> None:
    result = _bot("ask", "best pizza recipe", "--corpus", str(SEED))
    assert result.returncode == 0
    assert result.stdout.startswith("No relevant report found for this question.")


def test_ask_with_a_missing_corpus_is_one_clear_line(tmp_path: Path) -> None:
    result = _bot("ask", "ข้าว", "--corpus", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_eval_prints_metrics_and_writes_results(tmp_path: Path) -> None:
    questions = shared_path("eval/seed_dev.jsonl")
    out = tmp_path / "results.jsonl"
    result = _bot("eval", str(questions), "--out", str(out), "--corpus", str(SEED))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["th"]["hit@3"] == 1.0
    assert set(summary["all"]) >= {
        "hit@1",
        "hit@3",
        "hit@5",
        "hit@10",
        "mrr@10",
        "shown@3",
        "shown@5",
        "p50_ms",
        "p95_ms",
    }
    assert result.stdout.splitlines()[0].split()[:3] == ["lang", "n", "hit@1"]
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 10
    assert set(lines[0]) == {"id", "lang", "answered", "shown", "hits"}
    assert set(lines[0]["hits"][0]) == {"doc", "section", "text", "score", "report_coverage"}


def test_empty_question_and_out_of_range_results_are_explained() -> None:
    empty = _bot("ask", "   ")
    assert empty.returncode == 0 and empty.stdout.startswith("กรุณาพิมพ์คำถาม")
    too_many = _bot("ask", "ข้าว", "--results", "0")
    assert too_many.returncode == 2 and "1 to 10" in too_many.stderr


def test_bad_settings_name_the_variable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK", "TELEGRAM"))}
    result = _bot("ask", "ข้าว", cwd=tmp_path, env=env | {"WEBHOOK_URL": "http://example.org/hook"})
    assert result.returncode == 2
    assert "WEBHOOK_URL: Telegram posts only to https:// URLs" in result.stderr
    assert "Traceback" not in result.stderr


def test_index_command_saves_a_cache_that_ask_then_uses(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    built = _bot("index", "--cache", str(cache), "--corpus", str(SEED))
    assert built.returncode == 0, built.stderr
    assert "built (1 of 1 reports tokenized)" in built.stdout
    assert (cache / "manifest.json").exists()


def test_bench_prints_a_table_and_a_json_summary() -> None:
    result = _bot("bench", "--log-level", "WARNING", "--corpus", str(SEED))
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert {
        "passages", "cold_build_s", "warm_load_s", "naive_p50_ms", "search_p50_ms",
        "answer_p50_ms", "speedup", "top10_agree", "peak_rss_mb", "serve_private_mb",
        "kept_1000_answers_mb", "first_page_p50_ms",
    } <= set(figures)  # fmt: skip
    assert 0 < figures["first_page_p50_ms"] <= figures["first_page_p95_ms"]
    assert 0 < figures["serve_private_mb"] < figures["serve_peak_rss_mb"]
    assert figures["kept_1000_answers_mb"] is not None
    assert figures["passages"] == 20 and figures["top10_agree"] == 1.0
    assert "speed-up (naive / search, p50)" in result.stdout


def test_a_burst_through_the_real_bot_answers_every_update_once(tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text("แอปพลิเคชันไทยชนะ\nsmart city\nราคาทองคำวันนี้\n", encoding="utf-8")
    result = _bot(
        "bench", "--log-level", "WARNING", "--corpus", str(SEED),
        "--queries", str(questions), "--burst", "40",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    burst = json.loads(result.stdout.strip().splitlines()[-1])["burst"]
    assert burst["updates"] == burst["answered"] == 40  # each exactly once
    assert burst["per_second"] > 0 and burst["p50_ms"] <= burst["p95_ms"]
    assert "answered per second" in result.stdout


def test_a_burst_answered_in_worker_processes_with_the_server_in_its_own(tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text("แอปพลิเคชันไทยชนะ\nsmart city\nราคาทองคำวันนี้\n", encoding="utf-8")
    result = _bot(
        "bench", "--log-level", "WARNING", "--corpus", str(SEED), "--queries", str(questions),
        "--burst", "40", "--workers", "2", "--server-process",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    burst = json.loads(result.stdout.strip().splitlines()[-1])["burst"]
    assert burst["updates"] == burst["answered"] == 40
    assert burst["workers"] == 2 and len(burst["worker_pss_mib"]) == 2
    assert 0 < burst["own_cpu_seconds"] < burst["cpu_seconds"]  # the workers' CPU counted too
    assert "worker 2 RSS / PSS (MiB)" in result.stdout


def test_the_example_settings_copied_to_env_work_as_they_are(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        (PROJECT / ".env.example").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = _bot("ask", "เทศกาลดนตรี Tomorrowland", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "«เทศกาลดนตรี Tomorrowland»" in result.stdout
    index = _bot("index", cwd=tmp_path)  # INDEX_DIR= (empty): the default cache folder
    assert index.returncode == 0, index.stderr
    assert "saved in" in index.stdout + index.stderr


def test_log_levels_are_checked_on_the_command_line(tmp_path: Path) -> None:
    seed = ("--corpus", str(SEED))
    quiet = _bot("ask", "--log-level", "warning", "smart city", *seed, cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert "loaded 1 reports" not in quiet.stderr  # INFO lines are left out
    wrong = _bot("ask", "--log-level", "loud", "smart city", cwd=tmp_path)
    assert wrong.returncode == 2
    assert "use DEBUG, INFO, WARNING, ERROR, CRITICAL, not 'loud'" in wrong.stderr
    assert "Traceback" not in wrong.stderr


_PARAGRAPHS = (
    ("แม่น้ำโขง", "แม่น้ำโขงไหลผ่านหกประเทศ มีความยาวประมาณ 4,900 กิโลเมตร ต้นน้ำอยู่ที่ที่ราบสูงทิเบต"),
    ("แมวสีสวาด", "แมวสีสวาดหรือแมวโคราชมีขนสีเทาเงิน ถิ่นกำเนิดอยู่ที่จังหวัดนครราชสีมา"),
    ("ทุเรียน", "ทุเรียนพันธุ์หมอนทองปลูกมากที่จังหวัดจันทบุรี ผลสุกมีกลิ่นแรง"),
)


def _squad_file(path: Path) -> Path:
    """A SQuAD-shaped question file (iapp-wiki-qa's fields), written by hand, compressed."""
    import lzma

    questions = (
        ("แม่น้ำโขงยาวกี่กิโลเมตร", 0, "4,900 กิโลเมตร"),
        ("แมวโคราชขนสีอะไร", 1, "สีเทาเงิน"),
        ("ทุเรียนหมอนทองปลูกมากที่จังหวัดไหน", 2, "จันทบุรี"),
    )
    lines = []
    for number, (question, paragraph, answer) in enumerate(questions, start=1):
        title, context = _PARAGRAPHS[paragraph]
        lines.append(
            json.dumps(
                {
                    "question_id": f"q{number}",
                    "title": title,
                    "context": context,
                    "question": question,
                    "answers": {"text": [answer], "answer_start": [context.index(answer)]},
                },
                ensure_ascii=False,
            )
        )
    path.write_bytes(lzma.compress(("\n".join(lines) + "\n").encode("utf-8")))
    return path


def test_eval_asks_squad_shaped_sets_of_their_own_paragraphs(tmp_path: Path) -> None:
    squad = _squad_file(tmp_path / "wiki-qa.jsonl.xz")
    own = _bot("eval", str(squad), "--log-level", "WARNING")
    assert own.returncode == 0, own.stderr
    summary = json.loads(own.stdout.strip().splitlines()[-1])
    assert summary["all"]["questions"] == 3 and summary["all"]["hit@1"] == 1.0
    assert summary["all"]["answerable_abstained"] == 0.0
    elsewhere = _bot("eval", str(squad), "--unanswerable", "--corpus", str(SEED), "--limit", "2")
    assert elsewhere.returncode == 0, elsewhere.stderr
    summary = json.loads(elsewhere.stdout.strip().splitlines()[-1])
    assert summary["all"]["questions"] == 2 and summary["all"]["unanswerable_abstained"] == 1.0


def test_eval_of_a_broken_question_file_names_the_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "question": "ข้าว", "doc": null}\n[1, 2]\n', encoding="utf-8")
    result = _bot("eval", str(broken), "--corpus", str(SEED))
    assert result.returncode == 1 and f"{broken}:2: not a JSON object" in result.stderr
    truncated = tmp_path / "cut.jsonl.xz"
    truncated.write_bytes(_squad_file(tmp_path / "whole.jsonl.xz").read_bytes()[:40])
    result = _bot("eval", str(truncated))
    assert result.returncode == 1 and "unreadable" in result.stderr
    assert "Traceback" not in result.stderr
