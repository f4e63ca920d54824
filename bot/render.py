"""Stage: Answer -> reply. Telegram HTML (escaped, within 4096 characters) or plain text.

Both renderers read the same Answer; interface words follow the question's language.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from bot.answer import Answer
from bot.excerpts import Citation, Excerpt, shorten
from bot.texts import Texts, texts_for

TELEGRAM_LIMIT = 4096
QUESTION_CHARS = 120  # how much of the question the reply repeats
MAX_HREF_CHARS = 1000
SOURCE_CHARS = 200  # a report file's path, cited when it has no link


def words_for(answer: Answer) -> Texts:
    """The texts an answer is rendered with: those of its question's language."""
    return texts_for(answer.language)


def section_label(citation: Citation, words: Texts) -> str:
    """`ข้อ 1.2.4` / `§1.2.4`, or the name of a special section."""
    if citation.section in words.sections:
        return words.sections[citation.section]
    glue = "" if words.section == "§" else " "
    return f"{words.section}{glue}{citation.section}"


def item_label(citation: Citation, words: Texts) -> str:
    """`เรื่องที่ 11 (เศรษฐกิจ-สังคม)` / `item 11 (economy and society)`: where in its meeting
    the report sits ("" for a report that is not a meeting's item)."""
    if citation.item_no is None:
        return ""
    label = f"{words.item} {citation.item_no}"
    if citation.heading:
        label += f" ({heading_name(citation.heading, words)})"
    return label


def citation_line(citation: Citation, words: Texts) -> str:
    """Item, section, meeting date (in the reply's language and ISO) and source file, as plain
    text: `เรื่องที่ 11 (เศรษฐกิจ-สังคม) · ข้อ 1.2 · 26 สิงหาคม 2568 (2025-08-26)`."""
    parts = [label for label in (item_label(citation, words),) if label]
    parts.append(section_label(citation, words))
    if citation.meeting_date:
        parts.append(f"{words.date(citation.meeting_date)} ({citation.meeting_date.isoformat()})")
    if citation.source and not citation.url:
        parts.append(shorten(citation.source, SOURCE_CHARS))
    return " · ".join(parts)


def _marked(excerpt: Excerpt, mark: Callable[[str], str], plain: Callable[[str], str]) -> str:
    out = []
    position = 0
    for start, end in excerpt.marks:
        out.append(plain(excerpt.text[position:start]))
        out.append(mark(excerpt.text[start:end]))
        position = end
    out.append(plain(excerpt.text[position:]))
    return "".join(out)


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units), an upper bound once tags are parsed."""
    return len(text.encode("utf-16-le")) // 2


def _html_block(number: int, excerpt: Excerpt, words: Texts, marked: bool = True) -> str:
    citation = excerpt.citation
    if marked:
        quote = _marked(excerpt, lambda s: f"<b>{_escape(s)}</b>", _escape)
    else:
        quote = _escape(excerpt.text)
    lines = [
        f"<b>{number}. {_escape(citation.title)}</b>",
        f"<i>{_escape(citation_line(citation, words))}</i>",
        f"<blockquote>{quote}</blockquote>",
    ]
    href = html.escape(citation.url, quote=True) if citation.url else ""
    if href and len(href) <= MAX_HREF_CHARS:  # a longer link would crowd out the excerpt
        lines.append(f'<a href="{href}">{words.link}</a>')
    return "\n".join(lines)


def translation_line(answer: Answer, words: Texts) -> str:
    """Typos corrected and English words translated, one line each ("" when there are none):
    `Searched for: ชนะ (ชะนะ)`, `Thai words matched: smart city → เมือง, อัจฉริยะ`."""
    lines = []
    if answer.corrections:
        fixed = ", ".join(f"{right} ({wrong})" for wrong, right in answer.corrections)
        lines.append(shorten(f"{words.searched_for}: {fixed}", 300))
    if answer.translations:
        pairs = "; ".join(
            f"{english} → {', '.join(thai)}" for english, thai in answer.translations
        )
        lines.append(shorten(f"{words.matched_thai}: {pairs}", 300))
    return "\n".join(lines)


def heading_name(heading: str, words: Texts) -> str:
    """A meeting section's name in the reply's language."""
    return words.headings.get(heading, heading)


def scope_line(answer: Answer, words: Texts) -> str:
    """What the results keep to or how they are ordered: the range of meeting dates and the
    proposer and section the question restricted itself to, newest first ("" when none)."""
    lines = []
    if answer.within is not None:
        lines.append(words.within.format(range=answer.within.describe(answer.language)))
    if answer.proposer is not None:
        lines.append(words.proposed_by.format(name=answer.proposer))
    if answer.section is not None:
        lines.append(words.in_section.format(section=heading_name(answer.section, words)))
    if answer.newest is not None:
        lines.append(words.newest_line.format(date=words.date(answer.newest)))
        if answer.newest_is_old:
            lines.append(words.newest_old)
    return "\n".join(lines)


def _greeting(answer: Answer, words: Texts) -> str:
    """What a message that only greets or thanks gets back (bot.social)."""
    return words.hello if answer.social == "hello" else words.thanks


def _html_header(answer: Answer, words: Texts) -> str:
    question = _escape(shorten(answer.question, QUESTION_CHARS))
    if not answer.question.strip():
        return words.empty
    if answer.social is not None:
        return _escape(_greeting(answer, words))
    scope = _escape(scope_line(answer, words))  # a proposer is the question's own words
    if not answer.found:
        return "\n".join(
            line for line in (words.not_found, f"<i>{question}</i>", scope, words.hint) if line
        )
    lines = [f"{words.found} <i>{question}</i>", scope, _escape(translation_line(answer, words))]
    return "\n".join(line for line in lines if line)


def to_html(answer: Answer, limit: int = TELEGRAM_LIMIT, first_number: int = 1) -> str:
    """Telegram HTML: escaped, whole excerpts only, at most `limit` characters."""
    words = words_for(answer)
    text = _html_header(answer, words)
    for number, excerpt in enumerate(answer.excerpts, start=first_number):
        block = _html_block(number, excerpt, words)
        if number == first_number and telegram_length(f"{text}\n\n{block}") > limit:
            # Hundreds of marked one-letter matches can swell an excerpt past the limit:
            # the first excerpt is then shown without marks rather than not at all.
            block = _html_block(number, excerpt, words, marked=False)
        if telegram_length(f"{text}\n\n{block}") > limit:
            note = f"\n\n<i>{words.more_cut}</i>"
            if telegram_length(text + note) <= limit:
                text += note
            break
        text = f"{text}\n\n{block}"
    return text


def to_text(answer: Answer, first_number: int = 1) -> str:
    """Plain text for a terminal; matched words in «guillemets»."""
    words = words_for(answer)
    question = shorten(answer.question, QUESTION_CHARS)
    if not question:
        return words.empty
    if answer.social is not None:
        return _greeting(answer, words)
    scope = scope_line(answer, words)
    if not answer.found:
        return "\n".join(line for line in (words.not_found, question, scope, words.hint) if line)
    lines = [f"{words.found}: {question}", scope, translation_line(answer, words)]
    blocks = ["\n".join(line for line in lines if line)]
    for number, excerpt in enumerate(answer.excerpts, start=first_number):
        citation = excerpt.citation
        lines = [
            f"{number}. {citation.title}",
            f"   {citation_line(citation, words)}",
            f"   {_marked(excerpt, lambda s: f'«{s}»', str)}",
        ]
        if citation.url and len(citation.url) <= MAX_HREF_CHARS:  # as in the HTML
            lines.append(f"   {citation.url}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
