"""Interface texts in Thai and English, in one place, and the one rule that picks the language.

A reply about a question speaks the question's language (English for English questions, Thai
for Thai and mixed ones); anything else the bot says (help, notices, errors) speaks the user's
Telegram language: Thai when it is Thai, English otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.passages import INTRO, SOURCE, TITLE
from bot.text import Language
from bot.thaidate import format_english, format_thai


@dataclass(frozen=True, slots=True)
class Texts:
    """Everything the bot says in one language: an answer's words, then the chat's."""

    found: str
    not_found: str
    hello: str
    thanks: str
    empty: str
    hint: str
    sources: str
    section: str
    sections: dict[str, str]
    item: str
    headings: dict[str, str]
    date: Callable[..., str]
    link: str
    more_cut: str
    matched_thai: str
    searched_for: str
    help: str
    ask_usage: str
    too_long: str
    not_text: str
    more: str
    passage: str
    source: str
    expired: str
    apology: str
    slow_down: str
    admins_only: str
    admin_disabled: str
    reloading: str
    reload_busy: str
    reload_failed: str
    reloaded: str
    stats: str
    inline_hint: str
    meeting: str
    meeting_page: str
    no_meeting: str
    nearest: str
    no_item: str
    no_meetings: str
    meeting_usage: str
    newest_known: str
    other_heading: str
    within: str
    meetings: str
    meeting_line: str
    no_meeting_in: str
    newest: str
    meeting_button: str
    proposed_by: str
    in_section: str
    newest_button: str
    newest_line: str
    newest_old: str
    # Following topics, digests, votes, forgetting (bot.state), and how fresh the index is.
    follow_usage: str
    followed: str
    already_following: str
    too_many_topics: str
    unfollowed: str
    unfollowed_all: str
    not_following: str
    following_list: str
    following_none: str
    state_unavailable: str
    group_admins_only: str
    alert_head: str
    alert_more: str
    unfollow_button: str
    digest_usage: str
    digest_on: str
    digest_off: str
    digest_head: str
    forgotten: str
    vote_thanks: str
    vote_why: str
    reasons: dict[str, str]
    reason_thanks: str
    refreshed: str
    freshness: str
    delivered: str
    stats_votes: str


THAI = Texts(
    found="ผลการค้นหาสำหรับ",
    not_found="ไม่พบรายงานที่เกี่ยวข้องกับคำถามนี้",
    hello=(
        "สวัสดีครับ บอทนี้ตอบคำถามเรื่องมติการประชุมคณะรัฐมนตรี พร้อมข้อความอ้างอิง"
        " ถามได้เลย เช่น เงินช่วยเหลือน้ำท่วม 2567 หรือ มติ ครม. ล่าสุด"
    ),
    thanks="ยินดีครับ ถามเรื่องมติ ครม. อื่นได้อีกเลย",
    empty="กรุณาพิมพ์คำถาม เช่น เงินช่วยเหลือน้ำท่วม 2567",
    hint="ลองใช้คำสำคัญอื่น เช่น ชื่อโครงการ หน่วยงาน หรือปี พ.ศ.",
    sources="ที่มา",
    section="ข้อ",
    sections={TITLE: "หัวเรื่อง", INTRO: "มติ ครม.", SOURCE: "ที่มา"},
    item="เรื่องที่",
    headings={},
    date=format_thai,
    link="ลิงก์ต้นฉบับ",
    more_cut="มีผลเพิ่มเติมที่ตัดออกเพราะข้อความยาวเกินไป",
    matched_thai="คำภาษาไทยที่ตรงกัน",
    searched_for="ค้นหาคำที่ใกล้เคียง",
    help=(
        "บอทนี้ตอบคำถามเกี่ยวกับมติการประชุมคณะรัฐมนตรี (สรุปข่าวการประชุม ครม.)"
        " พร้อมข้อความอ้างอิง (เรื่องที่ ข้อ และวันที่ประชุม)\n\n"
        "<b>ถามได้เลย</b> เป็นภาษาไทยหรืออังกฤษ เช่น\n"
        "• <code>เงินช่วยเหลือน้ำท่วม 2567</code>\n• <code>smart city</code>\n"
        "• <code>มติ ครม. ล่าสุด</code>\n• <code>ครม. 12 ต.ค. 64 อนุมัติอะไรบ้าง</code>\n\n"
        "<b>การประชุม</b> <code>/latest</code> เรื่องทั้งหมดของการประชุมล่าสุด"
        " <code>/meeting 12 ต.ค. 64</code> ของการประชุมวันนั้น\n"
        "<b>ในกลุ่ม</b> พิมพ์ <code>/ask คำถาม</code> ตอบกลับข้อความของบอท"
        " หรือกล่าวถึง @{bot} พร้อมคำถาม\n"
        "<b>อินไลน์</b> พิมพ์ <code>@{bot} คำถาม</code> ในแชตใดก็ได้ แล้วเลือกผลที่จะส่ง\n"
        "<b>ติดตาม</b> <code>/follow รถไฟทางคู่</code> บอทจะส่งมติ ครม. ใหม่เรื่องนั้นมาให้"
        " (<code>/following</code> ดูหัวข้อ <code>/unfollow</code> เลิก"
        " <code>/digest on</code> สรุปทุกการประชุมใหม่ <code>/forget</code> ลบข้อมูลของคุณ)\n\n"
        "ปุ่มใต้คำตอบ: «ผลเพิ่มเติม» แสดงผลถัดไป 📄 แสดงข้อความเต็มของข้อนั้น 👍 👎 บอกว่าคำตอบดีไหม"
    ),
    ask_usage="พิมพ์คำถามต่อท้ายคำสั่ง เช่น <code>/ask เงินช่วยเหลือน้ำท่วม 2567</code>",
    too_long="คำถามยาวเกินไป ({length} ตัวอักษร) กรุณาถามสั้น ๆ ไม่เกิน {limit} ตัวอักษร"
    " เช่น ชื่อโครงการ หน่วยงาน หรือปี",
    not_text="ส่งคำถามเป็นข้อความได้เลย เช่น <code>เงินช่วยเหลือน้ำท่วม 2567</code>",
    more="ผลเพิ่มเติม ▶",
    passage="📄 ข้อความเต็ม {number}",
    source="🔗 ต้นฉบับ {number}",
    expired="ปุ่มนี้หมดอายุแล้ว กรุณาถามใหม่อีกครั้ง",
    apology="ขออภัย เกิดข้อผิดพลาดขณะตอบคำถามนี้ กรุณาลองใหม่อีกครั้ง",
    slow_down="ถามถี่เกินไปแล้ว กรุณารอประมาณ {seconds} วินาทีแล้วค่อยถามใหม่",
    admins_only="คำสั่งนี้ใช้ได้เฉพาะผู้ดูแลบอท",
    admin_disabled="คำสั่งนี้ปิดอยู่: ยังไม่ได้ตั้งผู้ดูแล (ADMIN_USER_IDS)",
    reloading="กำลังโหลดรายงานใหม่…",
    reload_busy="กำลังโหลดใหม่อยู่แล้ว รอให้เสร็จก่อน",
    reload_failed="โหลดใหม่ไม่สำเร็จ ยังใช้ดัชนีเดิมอยู่\nสาเหตุ: {reason}",
    reloaded="โหลดใหม่แล้ว: รายงาน {reports}, ข้อความ {passages}, ใช้เวลา {seconds:.1f} วินาที",
    stats=(
        "รายงาน {reports} · ข้อความ {passages} · ไฟล์ {files}\n"
        "สร้างดัชนีเมื่อ {built} ({age} ที่แล้ว)\n"
        "ตอบคำถามแล้ว {questions} ครั้ง · p50 {p50} · p95 {p95}"
    ),
    inline_hint="พิมพ์คำถาม เช่น เงินช่วยเหลือน้ำท่วม 2567",
    meeting="มติคณะรัฐมนตรี {date} ({iso}): {count} เรื่อง",
    meeting_page="เรื่องที่ {first}–{last} จาก {count}",
    no_meeting="ไม่มีการประชุมคณะรัฐมนตรีวันที่ {date}",
    nearest="การประชุมที่ใกล้ที่สุด: {meetings}",
    no_item="การประชุมวันที่ {date} ไม่มีเรื่องที่ {number} (มี {count} เรื่อง)",
    no_meetings="ยังไม่มีรายงานการประชุมคณะรัฐมนตรีในคลังรายงาน",
    meeting_usage="พิมพ์วันที่ต่อท้ายคำสั่ง เช่น <code>/meeting 12 ต.ค. 64</code>"
    " หรือ <code>/meeting 2021-10-12</code>",
    newest_known="(การประชุมล่าสุดที่บอทมี)",
    other_heading="อื่น ๆ",
    within="เฉพาะการประชุม {range}",
    meetings="การประชุมคณะรัฐมนตรี {range}: {count} ครั้ง",
    meeting_line="{date} ({iso}): {count} เรื่อง",
    no_meeting_in="ไม่มีการประชุมคณะรัฐมนตรี {range}",
    newest="การประชุมล่าสุดที่บอทมี: {date}",
    meeting_button="🗓 ประชุม {date}",
    proposed_by="เฉพาะเรื่องที่{name}เสนอ",
    in_section="เฉพาะหมวด{section}",
    newest_button="🕒 ใหม่สุดก่อน",
    newest_line="เรียงจากการประชุมล่าสุด (ล่าสุด {date})",
    newest_old="เรื่องที่ตรงคำถามล่าสุดมาจากการประชุมเมื่อกว่าหนึ่งปีก่อน",
    follow_usage="พิมพ์หัวข้อต่อท้ายคำสั่ง เช่น <code>/follow รถไฟทางคู่</code>"
    " เมื่อมีมติ ครม. ใหม่เรื่องนี้ บอทจะส่งมาให้",
    followed="ติดตาม “{topic}” แล้ว: เมื่อมีมติ ครม. ใหม่เกี่ยวกับเรื่องนี้ บอทจะส่งมาให้"
    " (เลิกติดตาม: <code>/unfollow {topic}</code>)",
    already_following="ติดตาม “{topic}” อยู่แล้ว",
    too_many_topics="ติดตามได้ไม่เกิน {limit} หัวข้อ: เลิกติดตามบางหัวข้อก่อนด้วย /unfollow",
    unfollowed="เลิกติดตาม “{topic}” แล้ว",
    unfollowed_all="เลิกติดตามทั้งหมดแล้ว ({count} หัวข้อ)",
    not_following="ไม่ได้ติดตาม “{topic}” อยู่ (ดูหัวข้อที่ติดตาม: /following)",
    following_list="หัวข้อที่ติดตาม ({count}):\n{topics}\n\nเลิกติดตาม: <code>/unfollow หัวข้อ</code>"
    " หรือ <code>/unfollow all</code>",
    following_none="ยังไม่ได้ติดตามหัวข้อใด: <code>/follow หัวข้อ</code>",
    state_unavailable="ขออภัย ตอนนี้บอทบันทึกการติดตามและความเห็นไม่ได้ (ฐานข้อมูลใช้งานไม่ได้)"
    " แต่ยังตอบคำถามได้ตามปกติ",
    group_admins_only="ในกลุ่ม เฉพาะผู้ดูแลกลุ่มเท่านั้นที่ตั้งค่าการติดตามได้",
    alert_head="🔔 มีมติ ครม. ใหม่เกี่ยวกับ “{topic}” ที่คุณติดตาม",
    alert_more="🔔 และมีอีก {count} หัวข้อที่ติดตามซึ่งมีเรื่องใหม่: {topics}",
    unfollow_button="🔕 เลิกติดตาม “{topic}”",
    digest_usage="<code>/digest on</code> ส่งสรุปทุกการประชุม ครม. ใหม่มาที่แชตนี้"
    " <code>/digest off</code> หยุดส่ง (ตอนนี้: {now})",
    digest_on="จะส่งสรุปการประชุม ครม. ใหม่ทุกครั้งมาที่แชตนี้",
    digest_off="หยุดส่งสรุปการประชุมแล้ว",
    digest_head="🗞 การประชุม ครม. ใหม่",
    forgotten="ลบข้อมูลของคุณที่บอทเก็บไว้แล้ว ({count} รายการ)",
    vote_thanks="ขอบคุณสำหรับความเห็น",
    vote_why="ขอบคุณ คำตอบนี้ผิดอย่างไร",
    reasons={
        "wrong_report": "รายงานผิดเรื่อง",
        "not_found": "ไม่มีสิ่งที่ถาม",
        "excerpt": "ข้อความไม่ตอบคำถาม",
    },
    reason_thanks="ขอบคุณ จะนำไปปรับปรุงคำตอบ",
    refreshed="🔄 พบไฟล์ใหม่หรือที่เปลี่ยนใน CORPUS_DIR จึงสร้างดัชนีใหม่เอง",
    freshness="ดัชนีสร้างเมื่อ {built}; การประชุมล่าสุดที่มี {latest}",
    stats_votes="ถามทั้งหมด {asked} ครั้ง (ตอบ {answered} · ไม่พบ {declined})"
    " · 👍 {up} · 👎 {down}{reasons}",
    delivered="รายงานใหม่หรือที่เปลี่ยน {changed} เรื่อง: แจ้งผู้ติดตาม {alerts} ครั้ง"
    " ส่งสรุปการประชุม {digests} ครั้ง",
)
ENGLISH = Texts(
    found="Results for",
    not_found="No relevant report found for this question.",
    hello=(
        "Hello! This bot answers questions about Thai cabinet decisions, quoting the reports."
        " Ask away, for example: smart city, or latest cabinet resolutions."
    ),
    thanks="You're welcome. Ask anything else about cabinet decisions.",
    empty="Please type a question, for example: smart city.",
    hint="Try other key words, such as a project, an agency or a year.",
    sources="Source",
    section="§",
    sections={TITLE: "title", INTRO: "resolution", SOURCE: "source line"},
    item="item",
    headings={
        "กฎหมาย": "legal affairs",
        "เศรษฐกิจ-สังคม": "economy and society",
        "ต่างประเทศ": "foreign affairs",
        "แต่งตั้ง": "appointments",
    },
    date=format_english,
    link="original",
    more_cut="more results were left out to fit one message",
    matched_thai="Thai words matched",
    searched_for="Searched for",
    help=(
        "This bot answers questions about Thai cabinet decisions (the cabinet meeting"
        " summaries) with cited excerpts (item, section and meeting date).\n\n"
        "<b>Just ask</b> in Thai or English, for example:\n"
        "• <code>เงินช่วยเหลือน้ำท่วม 2567</code>\n• <code>smart city</code>\n"
        "• <code>latest cabinet resolutions</code>\n"
        "• <code>cabinet decisions on 12 October 2021</code>\n\n"
        "<b>Meetings</b> <code>/latest</code> lists the newest meeting's items,"
        " <code>/meeting 2021-10-12</code> those of that day.\n"
        "<b>In groups</b> send <code>/ask your question</code>, reply to one of my messages,"
        " or mention @{bot} with your question.\n"
        "<b>Inline</b> type <code>@{bot} your question</code> in any chat and pick a result.\n"
        "<b>Follow</b> <code>/follow rail double track</code>: new cabinet items on it are sent"
        " to you (<code>/following</code> lists, <code>/unfollow</code> stops,"
        " <code>/digest on</code> summarises every new meeting, <code>/forget</code> deletes"
        " your data).\n\n"
        "Buttons under an answer: «More results» shows the next ones, 📄 a whole passage,"
        " 👍 👎 say whether it helped."
    ),
    ask_usage="Put your question after the command, e.g. <code>/ask smart city</code>",
    too_long="That question is too long ({length} characters). Please ask in at most {limit}"
    " characters: a project, an agency or a year works best.",
    not_text="Send your question as text, e.g. <code>smart city</code>",
    more="More results ▶",
    passage="📄 Full passage {number}",
    source="🔗 Source {number}",
    expired="This button has expired. Please ask again.",
    apology="Sorry, something went wrong while answering. Please try again.",
    slow_down="You are asking faster than I can answer. Please wait about {seconds} s and ask"
    " again.",
    admins_only="This command is for the bot's admins only.",
    admin_disabled="This command is disabled: no admin is configured (ADMIN_USER_IDS).",
    reloading="Reloading the reports…",
    reload_busy="A reload is already running; wait for it to finish.",
    reload_failed="Reload failed; the current index stays in use.\nWhy: {reason}",
    reloaded="Reloaded: reports {reports}, passages {passages}, in {seconds:.1f} s",
    stats=(
        "Reports {reports} · passages {passages} · files {files}\n"
        "Index built {built} ({age} ago)\n"
        "Questions answered {questions} · p50 {p50} · p95 {p95}"
    ),
    inline_hint="Type a question, e.g. smart city",
    meeting="Cabinet meeting of {date} ({iso}): {count} items",
    meeting_page="items {first}–{last} of {count}",
    no_meeting="No cabinet meeting on {date}.",
    nearest="Nearest meetings: {meetings}",
    no_item="The meeting of {date} has no item {number} ({count} items).",
    no_meetings="There are no cabinet meeting reports in the corpus yet.",
    meeting_usage="Put a date after the command, e.g. <code>/meeting 2021-10-12</code>",
    newest_known="(the newest meeting the bot knows)",
    other_heading="other",
    within="Meetings {range} only",
    meetings="Cabinet meetings {range}: {count}",
    meeting_line="{date} ({iso}): {count} items",
    no_meeting_in="No cabinet meeting {range}.",
    newest="The newest meeting the bot knows: {date}",
    meeting_button="🗓 Meeting {date}",
    proposed_by="Proposed by {name} only",
    in_section="The {section} section only",
    newest_button="🕒 Newest first",
    newest_line="Newest meetings first (the newest: {date})",
    newest_old="Even the newest matching item is from a meeting over a year ago.",
    follow_usage="Put the topic after the command, e.g. <code>/follow rail double track</code>:"
    " when a new cabinet item answers it, the bot sends it here.",
    followed="Following “{topic}”: when a new cabinet item answers it, the bot sends it here"
    " (to stop: <code>/unfollow {topic}</code>).",
    already_following="Already following “{topic}”.",
    too_many_topics="At most {limit} topics: unfollow some first with /unfollow.",
    unfollowed="Stopped following “{topic}”.",
    unfollowed_all="Stopped following every topic ({count}).",
    not_following="Not following “{topic}” (your topics: /following).",
    following_list="Topics followed ({count}):\n{topics}\n\nTo stop: <code>/unfollow topic</code>"
    " or <code>/unfollow all</code>",
    following_none="No topics followed yet: <code>/follow topic</code>",
    state_unavailable="Sorry, the bot cannot store follows and votes right now (its database is"
    " unavailable); questions are answered as usual.",
    group_admins_only="In a group, only the group's admins can set what it follows.",
    alert_head="🔔 New cabinet items on “{topic}”, which you follow",
    alert_more="🔔 {count} more topics you follow have new items: {topics}",
    unfollow_button="🔕 Unfollow “{topic}”",
    digest_usage="<code>/digest on</code> sends this chat a summary of every new cabinet meeting,"
    " <code>/digest off</code> stops it (now: {now}).",
    digest_on="This chat will get a summary of every new cabinet meeting.",
    digest_off="No more meeting summaries here.",
    digest_head="🗞 A new cabinet meeting",
    forgotten="Deleted what the bot kept about you: {count} record(s).",
    vote_thanks="Thanks for the feedback.",
    vote_why="Thanks. What was wrong?",
    reasons={
        "wrong_report": "Wrong report",
        "not_found": "Not what I asked",
        "excerpt": "Excerpt does not answer",
    },
    reason_thanks="Thanks, this helps improve the answers.",
    refreshed="🔄 New or changed files in CORPUS_DIR: the index was rebuilt by itself.",
    freshness="Index built {built}; newest meeting known {latest}",
    stats_votes="Asked {asked} times in all ({answered} answered · {declined} declined)"
    " · 👍 {up} · 👎 {down}{reasons}",
    delivered="{changed} new or changed reports: {alerts} alerts and {digests} digests sent",
)


def language_of_user(language_code: str | None) -> Language:
    """The language to speak to a user in: Thai when their Telegram is in Thai, else English."""
    return "th" if (language_code or "").lower().startswith("th") else "en"


def texts_for(question: Language | None = None, user_language: str | None = None) -> Texts:
    """The texts of a reply: in the question's language when it answers one, else in the
    user's Telegram language (`language_code`)."""
    language = question if question is not None else language_of_user(user_language)
    return ENGLISH if language == "en" else THAI
