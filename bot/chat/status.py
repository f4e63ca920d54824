"""Edge: what the bot says about itself to admins and users: a reload's report, /stats, how
fresh the index is, and the questions and votes the state database counted.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import datetime

from bot.engine import Engine, Reload, Stats
from bot.render import TELEGRAM_LIMIT, telegram_length
from bot.state import Rates
from bot.texts import Texts


def reload_report(done: Reload, texts: Texts) -> str:
    """Before → after counts, time, and the load lines (skipped files and why), as HTML."""
    before, after = done.before, done.after
    head = texts.reloaded.format(
        reports=f"{before.reports} → {after.reports}",
        passages=f"{before.passages} → {after.passages}",
        seconds=after.seconds,
    )
    return fit_lines(html.escape(head, quote=False), after.describe())


def fit_lines(head: str, lines: Iterable[str]) -> str:
    """`head` and as many escaped lines as fit one message, then how many were left out."""
    lines = [html.escape(line, quote=False) for line in lines]
    body: list[str] = []
    for number, line in enumerate(lines):
        candidate = "\n".join([head, *body, line, f"… +{len(lines)} more"])
        if telegram_length(candidate) > TELEGRAM_LIMIT:
            return "\n".join([head, *body, f"… +{len(lines) - number} more"])
        body.append(line)
    return "\n".join([head, *body])


def _age(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


def _milliseconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} ms"


def stats_text(stats: Stats, texts: Texts, now: datetime) -> str:
    """The /stats reply."""
    return texts.stats.format(
        reports=stats.reports,
        passages=stats.passages,
        files=stats.files_read,
        built=stats.built_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        age=_age((now - stats.built_at).total_seconds()),
        questions=stats.questions,
        p50=_milliseconds(stats.p50_ms),
        p95=_milliseconds(stats.p95_ms),
    )


def _newest(engine: Engine, texts: Texts) -> str:
    latest = engine.agenda.latest()
    return f"{texts.date(latest.day)} ({latest.day.isoformat()})" if latest else "–"


def freshness_line(engine: Engine, texts: Texts) -> str:
    """When the index answering was built, and the newest meeting it knows (for /help)."""
    built = engine.current.built_at.strftime("%Y-%m-%d %H:%M UTC")
    return texts.freshness.format(built=built, latest=_newest(engine, texts))


def newest_line(engine: Engine, texts: Texts) -> str:
    """The newest meeting the index knows (for /stats, which says when it was built)."""
    return texts.newest.format(date=_newest(engine, texts))


def votes_line(rates: Rates, counters: Mapping[str, int], texts: Texts) -> str:
    """Questions kept count of since the state database began, and the votes on answers."""
    reasons = ", ".join(
        f"{texts.reasons.get(reason, reason)} {count}" for reason, count in rates.reasons.items()
    )
    return texts.stats_votes.format(
        asked=counters.get("questions", 0),
        answered=counters.get("answered", 0),
        declined=counters.get("declined", 0),
        up=rates.up,
        down=rates.down,
        reasons=f" ({reasons})" if reasons else "",
    )
