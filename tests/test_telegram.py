"""End-to-end tests of the Telegram edge: the real Application, real long polling over HTTP
against the local fake Bot API (tests/botapi.py), the real engine on small corpora."""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.chat.app import build_application
from bot.chat.replies import SHARED
from bot.config import default_cache_dir
from bot.engine import Engine
from tests.botapi import FakeBotApi, auto_entities
from tests.telegram_fixtures import (
    ADMIN_ID,
    GROUP_ID,
    SEED_FILE,
    TOKEN,
    USER_ID,
    await_reply,
    bot_message_ids,
    buttons,
    exchange,
    html_problems,
    make_settings,
    polling,
    press,
    reload_gate,
    seed_passages,
    sent,
    write_report,
    write_smart_city_corpus,
)

StartBot = Callable[..., Awaitable[Application]]
NEW_REPORT_TITLE = "โครงการรถไฟทางคู่สายเหนือ"
NEW_REPORT_BODY = (
    "คณะรัฐมนตรีอนุมัติโครงการรถไฟทางคู่สายเหนือ ช่วงเด่นชัย เชียงราย เชียงของ"
    " เพื่อเชื่อมโยงการขนส่งสินค้ากับประเทศเพื่อนบ้าน"
)
NEW_REPORT_QUESTION = "รถไฟทางคู่ เชียงของ"


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    """The fake Bot API server; it must have met no internal error by the end of the test."""
    with FakeBotApi(token=TOKEN, bot_username="test_bot") as server:
        yield server
    assert server.errors == []


@pytest.fixture
async def start_bot(fake: FakeBotApi) -> AsyncIterator[StartBot]:
    """Start the real bot (built by build_application) polling the fake; stopped at the end."""
    async with AsyncExitStack() as stack:

        async def start(corpus: Path = SEED_FILE, **settings: Any) -> Application:
            config = make_settings(fake, corpus, **settings)
            application = build_application(
                config,
                Engine.load([config.corpus_dir], config.index_cache(), config.answer_workers),
            )
            return await stack.enter_async_context(polling(application))

        yield start


def assert_good_html(text: str) -> None:
    assert html_problems(text) == [], text


# -- private chat ----------------------------------------------------------------------------


async def test_thai_question_gets_a_cited_html_answer_after_typing(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot(typing_after_ms=0)  # every answer counts as slow: "typing…" first
    reply = await exchange(fake, "แอปพลิเคชันไทยชนะ", language_code="th")

    text = reply.params["text"]
    assert reply.params["chat_id"] == USER_ID and reply.params["parse_mode"] == "HTML"
    assert "<b>แอปพลิเคชันไทยชนะ</b>" in text
    assert "13 สิงหาคม 2563" in text and "ข้อ 2" in text  # the citation, in Thai
    assert_good_html(text)
    methods = [call.method for call in fake.calls() if call.method != "getUpdates"]
    assert methods.index("sendChatAction") < methods.index("sendMessage")
    assert fake.last_call("sendChatAction").params == {"chat_id": USER_ID, "action": "typing"}
    for button in buttons(reply):
        assert len(button["callback_data"].encode()) <= 64


async def test_a_quick_answer_is_sent_without_typing_first(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot(typing_after_ms=5000)  # the seed report answers in milliseconds
    reply = await exchange(fake, "แอปพลิเคชันไทยชนะ", language_code="th")

    assert "<b>แอปพลิเคชันไทยชนะ</b>" in reply.params["text"]
    assert fake.calls("sendChatAction") == []


async def test_english_question_gets_an_english_reply(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    reply = await exchange(fake, "AOT Airport", language_code="en")

    text = reply.params["text"]
    assert text.startswith("Results for <i>AOT Airport</i>")
    assert "<b>AOT Airport</b>" in text and "13 August 2020 (2020-08-13)" in text
    assert [button["text"] for button in buttons(reply)] == ["📄 Full passage 1", "👍", "👎"]
    assert_good_html(text)


async def test_start_and_help_follow_the_users_language(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    thai = (await exchange(fake, "/start", language_code="th")).params["text"]
    english = (await exchange(fake, "/help", language_code="en")).params["text"]
    unknown = (await exchange(fake, "/nosuchcommand", language_code="en")).params["text"]

    assert "คณะรัฐมนตรี" in thai and "/ask" in thai and "@test_bot" in thai
    assert "Thai cabinet decisions" in english and "@test_bot your question" in english
    for text in (thai, english):
        assert "เงินช่วยเหลือน้ำท่วม 2567" in text and "smart city" in text
        assert_good_html(text)
    assert unknown == english


async def test_html_long_and_wordless_questions_get_clear_replies(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    tagged = await exchange(fake, "<b>ไทยชนะ</b> & <script>alert(1)</script>")
    long = await exchange(fake, ("ไทยชนะ " * 715)[:5000], language_code="en")
    wordless = await exchange(fake, "???")

    assert "&lt;b&gt;ไทยชนะ&lt;/b&gt; &amp; &lt;script&gt;" in tagged.params["text"]
    assert "too long (5000 characters)" in long.params["text"]
    assert "ไม่พบรายงานที่เกี่ยวข้อง" in wordless.params["text"]
    for reply in (tagged, long, wordless):
        assert_good_html(reply.params["text"])


async def test_a_greeting_is_greeted_with_what_to_ask(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    hello = await exchange(fake, "สวัสดีครับ")
    thanks = await exchange(fake, "thank you!", language_code="en")

    assert hello.params["text"].startswith("สวัสดีครับ บอทนี้ตอบคำถาม")
    assert "เงินช่วยเหลือน้ำท่วม 2567" in hello.params["text"]
    assert thanks.params["text"] == "You're welcome. Ask anything else about cabinet decisions."
    for reply in (hello, thanks):  # nothing to rate, page or open
        assert not buttons(reply)
        assert_good_html(reply.params["text"])


async def test_non_text_message_asks_for_text(fake: FakeBotApi, start_bot: StartBot) -> None:
    await start_bot()
    before = len(sent(fake))
    fake.push_update(
        {
            "message": {
                "message_id": 1,
                "from": fake.user(USER_ID, language_code="en"),
                "chat": fake.chat(USER_ID),
                "date": 0,
                "location": {"latitude": 13.75, "longitude": 100.5},
            }
        }
    )
    calls = await fake.await_for("sendMessage", count=before + 1, timeout=5)
    assert calls[before].params["text"].startswith("Send your question as text")


# -- groups ----------------------------------------------------------------------------------


async def test_group_ask_commands_are_answered(fake: FakeBotApi, start_bot: StartBot) -> None:
    await start_bot()
    group: dict[str, Any] = {"chat_type": "supergroup", "chat_id": GROUP_ID}
    plain = await exchange(fake, "/ask แอปพลิเคชันไทยชนะ", **group)
    addressed = await exchange(fake, "/ask@test_bot AOT Airport", **group, language_code="en")
    bare = await exchange(fake, "/ask", **group, language_code="en")

    assert "<b>แอปพลิเคชันไทยชนะ</b>" in plain.params["text"]
    assert "<b>AOT Airport</b>" in addressed.params["text"]
    assert plain.params["reply_parameters"]["message_id"] == 1  # quotes the question
    assert bare.params["text"] == (
        "Put your question after the command, e.g. <code>/ask smart city</code>"
    )
    assert len(sent(fake, GROUP_ID)) == 3


async def test_group_chatter_is_ignored(fake: FakeBotApi) -> None:
    settings = make_settings(fake, SEED_FILE)
    application = build_application(settings, Engine.load([SEED_FILE]))
    chatter = [
        "ใครรู้เรื่องแอปพลิเคชันไทยชนะบ้าง",
        "@someone_else AOT Airport",
        "/ask@other_bot AOT Airport",
        "test_bot แอปพลิเคชันไทยชนะ",
    ]
    async with application:  # process_update returns once every handler has finished
        for number, text in enumerate(chatter, start=1):
            message = {
                "message_id": number,
                "from": fake.user(USER_ID),
                "chat": fake.chat(GROUP_ID, "supergroup"),
                "date": 0,
                "text": text,
                "entities": auto_entities(text),
            }
            update = {"update_id": number, "message": message}
            await application.process_update(Update.de_json(update, application.bot))
    assert [call.method for call in fake.calls()] == ["getMe"]


async def test_group_replies_to_the_bot_and_mentions_are_answered(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    group: dict[str, Any] = {"chat_type": "supergroup", "chat_id": GROUP_ID}
    await exchange(fake, "/help", **group)
    (help_id,) = bot_message_ids(fake, GROUP_ID)
    replied = await exchange(fake, "AOT Airport", **group, reply_to_message=help_id)
    mentioned = await exchange(fake, "@test_bot แอปพลิเคชันไทยชนะ", **group)
    only_mention = await exchange(fake, "@test_bot", **group, language_code="en")

    assert "<b>AOT Airport</b>" in replied.params["text"]
    assert "ผลการค้นหาสำหรับ <i>แอปพลิเคชันไทยชนะ</i>" in mentioned.params["text"]
    assert "@test_bot" not in mentioned.params["text"]
    assert only_mention.params["text"].startswith("Put your question after the command")


# -- buttons ---------------------------------------------------------------------------------


async def test_more_results_button_sends_the_next_page(
    fake: FakeBotApi, start_bot: StartBot, tmp_path: Path
) -> None:
    await start_bot(write_smart_city_corpus(tmp_path / "corpus"), result_count=3)
    first = await exchange(fake, "smart city", language_code="en")
    more = [button for button in buttons(first) if button["text"] == "More results ▶"]
    # The button carries its answer (PTB's arbitrary_callback_data): Telegram sees a key.
    assert len(more) == 1 and len(more[0]["callback_data"].encode()) <= 64
    assert "<b>3. " in first.params["text"] and "<b>4. " not in first.params["text"]

    (answer_id,) = bot_message_ids(fake, USER_ID)
    before = len(sent(fake))
    answered = await press(fake, more[0]["callback_data"], answer_id)
    second = (await fake.await_for("sendMessage", count=before + 1, timeout=5))[before]

    assert "text" not in answered.params  # a plain acknowledgement, no error text
    assert "<b>4. " in second.params["text"] and "<b>6. " in second.params["text"]
    assert "<b>7. " not in second.params["text"]
    assert_good_html(second.params["text"])
    (further,) = [button for button in buttons(second) if button["text"] == "More results ▶"]
    before = len(sent(fake))
    await press(fake, further["callback_data"], answer_id)
    third = (await fake.await_for("sendMessage", count=before + 1, timeout=5))[before]
    assert "<b>7. " in third.params["text"] and "<b>6. " not in third.params["text"]
    # The first page's button still works, as often as it is pressed.
    before = len(sent(fake))
    await press(fake, more[0]["callback_data"], answer_id)
    again = (await fake.await_for("sendMessage", count=before + 1, timeout=5))[before]
    assert again.params["text"] == second.params["text"]


async def test_full_passage_button_shows_the_whole_passage(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    first = await exchange(fake, "AOT Airport", language_code="en")
    passage_button, _up, _down = buttons(first)
    (answer_id,) = bot_message_ids(fake, USER_ID)
    before = len(sent(fake))
    await press(fake, passage_button["callback_data"], answer_id)
    passage = (await fake.await_for("sendMessage", count=before + 1, timeout=5))[before]

    text = passage.params["text"]
    # The excerpt held one sentence; the full passage holds the whole of section 2.
    assert "การกล่าวถ้อยแถลงของประเทศไทย" in text and "ท่ามกลางสถานการณ์การแพร่ระบาด" in text
    assert "§2 · 13 August 2020" in text and "<blockquote expandable>" in text
    assert_good_html(text)


async def test_report_with_url_gets_source_buttons(
    fake: FakeBotApi, start_bot: StartBot, tmp_path: Path
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "reports.jsonl").write_text(
        '{"id": "r1", "title": "โครงการ Smart City", "body": "อนุมัติโครงการ smart city ภูเก็ต",'
        ' "meeting_date": "2024-01-09", "url": "https://www.thaigov.go.th/news/contents/1"}\n',
        encoding="utf-8",
    )
    await start_bot(folder)
    first = await exchange(fake, "smart city", language_code="en")
    urls = [button["url"] for button in buttons(first) if "url" in button]
    assert urls == ["https://www.thaigov.go.th/news/contents/1"]
    assert_good_html(first.params["text"])

    passage_data = next(b["callback_data"] for b in buttons(first) if "callback_data" in b)
    (answer_id,) = bot_message_ids(fake, USER_ID)
    before = len(sent(fake))
    await press(fake, passage_data, answer_id)
    passage = (await fake.await_for("sendMessage", count=before + 1, timeout=5))[before]
    assert '<a href="https://www.thaigov.go.th/news/contents/1">' in passage.params["text"]
    assert [button["text"] for button in buttons(passage)] == ["🔗 Source 1"]


@pytest.mark.parametrize("data", ["m:NoSuchKey00:3", "p:NoSuchKey00:0", "from-an-old-version"])
async def test_expired_or_unknown_button_says_ask_again(
    fake: FakeBotApi, start_bot: StartBot, data: str
) -> None:
    await start_bot()
    await exchange(fake, "AOT Airport", language_code="en")
    (answer_id,) = bot_message_ids(fake, USER_ID)
    answered = await press(fake, data, answer_id)

    assert answered.params["text"] == "ปุ่มนี้หมดอายุแล้ว กรุณาถามใหม่อีกครั้ง"  # presser's Thai
    assert len(sent(fake)) == 1


# -- inline mode -----------------------------------------------------------------------------


async def inline(fake: FakeBotApi, query: str, offset: str = "") -> dict[str, Any]:
    before = len(fake.calls("answerInlineQuery"))
    fake.push_inline_query(query, offset=offset)
    calls = await fake.await_for("answerInlineQuery", count=before + 1, timeout=5)
    return calls[before].params


async def test_inline_query_pages_up_to_fifty_results(
    fake: FakeBotApi, start_bot: StartBot, tmp_path: Path
) -> None:
    await start_bot(write_smart_city_corpus(tmp_path / "corpus"))
    pages = []
    offset = ""
    for _ in range(6):
        page = await inline(fake, "smart city", offset)
        pages.append(page)
        offset = page.get("next_offset", "")
        if not offset:
            break

    assert [page.get("next_offset") for page in pages] == ["10", "20", "30", "40", None]
    results = [result for page in pages for result in page["results"]]
    ids = [result["id"] for result in results]
    assert len(results) == 50 and len(set(ids)) == 50
    assert all(len(result_id.encode()) <= 64 for result_id in ids)
    assert all(page["cache_time"] == 300 and page["is_personal"] is False for page in pages)
    first = results[0]
    assert first["type"] == "article" and first["title"].startswith("โครงการ Smart City")
    assert first["title"].endswith("· title") and first["description"]
    content = first["input_message_content"]
    assert (
        content["parse_mode"] == "HTML" and "<b>1. โครงการ Smart City" in content["message_text"]
    )
    assert all(html_problems(r["input_message_content"]["message_text"]) == [] for r in results)
    again = await inline(fake, "smart  city")  # same question, same ids
    assert [result["id"] for result in again["results"]] == ids[:10]


async def test_inline_empty_query_hints_and_no_match_says_so(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    empty = await inline(fake, "   ")
    nothing = await inline(fake, "ราคาทองคำวันนี้")

    assert empty["results"] == [] and empty["button"]["start_parameter"] == "help"
    (result,) = nothing["results"]
    assert result["title"] == "ไม่พบรายงานที่เกี่ยวข้องกับคำถามนี้"
    assert "next_offset" not in nothing
    assert_good_html(result["input_message_content"]["message_text"])


# -- admin -----------------------------------------------------------------------------------


async def test_admin_reload_picks_up_a_new_report(
    fake: FakeBotApi, start_bot: StartBot, corpus: Path
) -> None:
    await start_bot(corpus)
    before = await exchange(fake, NEW_REPORT_QUESTION)
    assert "ไม่พบรายงานที่เกี่ยวข้อง" in before.params["text"]

    write_report(corpus, "new.txt", NEW_REPORT_TITLE, NEW_REPORT_BODY, "1 มกราคม 2567")
    (corpus / "notes.bin").write_bytes(b"\x00\x01")
    admin: dict[str, Any] = {"user_id": ADMIN_ID, "language_code": "en"}
    fake.push_message("/reload", **admin)
    await await_reply(fake, "Reloading the reports…")
    passages = f"passages {seed_passages()} → "
    done = await await_reply(fake, f"Reloaded: reports 1 → 2, {passages}", timeout=10)
    after = await exchange(fake, NEW_REPORT_QUESTION)

    text = done.params["text"]
    assert "skipped notes.bin: not a report file" in text
    assert_good_html(text)
    assert NEW_REPORT_TITLE in after.params["text"] and "1 มกราคม 2567" in after.params["text"]


async def test_worker_processes_answer_and_a_reload_reaches_them(
    fake: FakeBotApi, start_bot: StartBot, corpus: Path
) -> None:
    application = await start_bot(corpus, answer_workers=1)
    engine = application.bot_data[SHARED].engine
    assert engine.pool is not None
    first = engine.pool.pids
    before = await exchange(fake, "แอปพลิเคชันไทยชนะ", language_code="th")
    assert "<b>แอปพลิเคชันไทยชนะ</b>" in before.params["text"] and "ข้อ 2" in before.params["text"]

    write_report(corpus, "new.txt", NEW_REPORT_TITLE, NEW_REPORT_BODY, "1 มกราคม 2567")
    fake.push_message("/reload", user_id=ADMIN_ID, language_code="en")
    await await_reply(fake, "Reloaded: reports 1 → 2", timeout=30)
    after = await exchange(fake, NEW_REPORT_QUESTION)

    assert engine.pool is not None and set(engine.pool.pids).isdisjoint(first)
    assert NEW_REPORT_TITLE in after.params["text"]
    assert engine.stats().questions >= 2


async def test_reload_and_stats_are_refused_to_non_admins(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    reload = await exchange(fake, "/reload", language_code="en")
    stats = await exchange(fake, "/stats")

    assert reload.params["text"] == "This command is for the bot's admins only."
    assert stats.params["text"] == "คำสั่งนี้ใช้ได้เฉพาะผู้ดูแลบอท"


async def test_reload_says_disabled_when_no_admin_is_configured(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot(admin_user_ids=frozenset())
    reply = await exchange(fake, "/reload", user_id=ADMIN_ID, language_code="en")
    assert reply.params["text"] == (
        "This command is disabled: no admin is configured (ADMIN_USER_IDS)."
    )


@pytest.mark.parametrize("damage", ["removed", "replaced by a binary file"])
async def test_failed_reload_keeps_the_old_index_and_says_why(
    fake: FakeBotApi, start_bot: StartBot, corpus: Path, damage: str
) -> None:
    await start_bot(corpus)
    shutil.rmtree(corpus)
    if damage != "removed":
        corpus.write_bytes(b"\x00\xff not a report")
    admin: dict[str, Any] = {"user_id": ADMIN_ID, "language_code": "en"}
    fake.push_message("/reload", **admin)
    failed = await await_reply(fake, "Reload failed; the current index stays in use.\nWhy: ")
    still = await exchange(fake, "AOT Airport", language_code="en")

    text = failed.params["text"]
    reason = "does not exist" if damage == "removed" else "not a report file"
    assert reason in text
    assert "<b>AOT Airport</b>" in still.params["text"]


async def test_concurrent_reloads_run_once_while_questions_are_answered(
    fake: FakeBotApi, start_bot: StartBot, corpus: Path
) -> None:
    await start_bot(corpus)
    report = f"เรื่อง {NEW_REPORT_TITLE}\n{NEW_REPORT_BODY}\nที่มา: ที่ประชุมคณะรัฐมนตรี วันที่ 1 มกราคม 2567"
    (corpus / "new.txt").write_text(report, encoding="utf-8")
    admin: dict[str, Any] = {"user_id": ADMIN_ID, "language_code": "en"}
    # The corpus loader skips named pipes, so the rebuild is held at the index cache's
    # manifest (see ReloadGate) while a second /reload and a question come in.
    with reload_gate(default_cache_dir([corpus])) as gate:
        gate.arm()
        fake.push_message("/reload", **admin)
        await fake.await_for("sendMessage", predicate=lambda c: "Reloading" in c.params["text"])
        await gate.reached()
        busy = await exchange(fake, "/reload", **admin)
        meanwhile = await exchange(fake, "AOT Airport", language_code="en")
        assert busy.params["text"] == "A reload is already running; wait for it to finish."
        assert "<b>AOT Airport</b>" in meanwhile.params["text"]
        assert not any("Reloaded" in call.params["text"] for call in sent(fake))
        gate.let_through()  # is the cache current? (a stale manifest: no)
        await gate.reached()
        gate.let_through()  # which tokens can be reused? (none)
    reloaded = await fake.await_for(
        "sendMessage", predicate=lambda c: c.params["text"].startswith("Reloaded"), timeout=10
    )
    assert len(reloaded) == 1 and "reports 1 → 2" in reloaded[0].params["text"]
    reloads = [call for call in sent(fake) if "Reload" in call.params["text"]]
    assert len(reloads) <= 3  # at most: reloading, busy, reloaded (and one "reloading" more)


async def test_stats_show_corpus_age_questions_and_times(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    await exchange(fake, "AOT Airport")
    await exchange(fake, "แอปพลิเคชันไทยชนะ")
    reply = await exchange(fake, "/stats", user_id=ADMIN_ID, language_code="en")

    lines = reply.params["text"].split("\n")
    assert lines[0] == f"Reports 1 · passages {seed_passages()} · files 1"
    assert lines[1].startswith("Index built ") and lines[1].endswith(" s ago)")
    assert lines[2].startswith("Questions answered 2 · p50 ") and " ms · p95 " in lines[2]


EVERYONE = [
    "ask",
    "latest",
    "meeting",
    "follow",
    "following",
    "unfollow",
    "digest",
    "forget",
    "help",
]


async def test_command_menu_is_registered_in_english_and_thai(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot()  # post_init ran, as run_polling runs it (tests.telegram_fixtures.polling)

    menus = {
        call.params.get("language_code"): call.params["commands"]
        for call in fake.calls("setMyCommands")
        if "scope" not in call.params  # everyone's menu (admins' own: test_telegram_meetings)
    }
    assert set(menus) == {None, "th"}
    assert [command["command"] for command in menus[None]] == EVERYONE
    assert menus["th"][0]["description"] == "ถามเกี่ยวกับรายงานการประชุมคณะรัฐมนตรี"


# -- failures --------------------------------------------------------------------------------


async def test_handler_failure_is_logged_and_the_user_gets_an_apology(
    fake: FakeBotApi, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    await start_bot()
    fake.fail_next("sendMessage", error_code=500, description="Internal Server Error")
    with caplog.at_level(logging.ERROR, logger="bot.chat.handlers"):
        apology = await exchange(fake, "AOT Airport", language_code="en")

    assert apology.params["text"] == (
        "Sorry, something went wrong while answering. Please try again."
    )
    assert [call.error_code for call in fake.calls("sendMessage")] == [500, None]
    (record,) = [r for r in caplog.records if r.name == "bot.chat.handlers"]
    assert record.levelno == logging.ERROR and record.exc_info is not None


async def test_rejected_html_is_resent_as_plain_text(
    fake: FakeBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    fake.fail_next(
        "sendMessage", error_code=400, description="Bad Request: can't parse entities: bad tag"
    )
    plain = await exchange(fake, "AOT Airport", language_code="en")

    assert [call.error_code for call in fake.calls("sendMessage")] == [400, None]
    assert "parse_mode" not in plain.params
    assert plain.params["text"].startswith("Results for: AOT Airport")
    assert "«AOT Airport»" in plain.params["text"] and "<b>" not in plain.params["text"]
    # The same buttons (PTB files their payloads under new keys for each message it sends).
    labels = [button["text"] for button in buttons(fake.calls("sendMessage")[0])]
    assert [button["text"] for button in buttons(plain)] == labels
