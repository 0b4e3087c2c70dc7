"""Playbooks as Block Kit: the full playbook, the compact DM answer, the topic list, did-you-mean.

Pure builders, data in and blocks out. Playbooks are written in a small Markdown subset (bold,
inline code, fenced code, links, bullet lists); `to_mrkdwn` turns it into Slack mrkdwn and
escapes everything else, so only our own markup is live. Every message stays inside Slack's
limits: at most 50 blocks, 3000 characters per section, 150 per header, and about 13,000
characters for all blocks together (`msg_blocks_too_long`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from bot.playbooks.library import Library, LiveCheck, Playbook
from bot.playbooks.match import Candidate, Match
from bot.probes import ProbeResult
from bot.slack import messages
from bot.slack.kit import MAX_BLOCKS, MAX_SECTION_TEXT, Block, Reply, clip, context, escape, header, section, user_text
from bot.slack.views.status import probe_lines
from bot.topics import Topic

CHECK_KEY_ACTION = "why_check_key"
PROBE_STREAMING_ACTION = "why_probe_streaming"
STATUS_ACTION = "why_status"

#: The button each kind of live check gets: action id and label (playbooks refer to the label).
LIVE_CHECK_BUTTONS: Mapping[LiveCheck, tuple[str, str]] = {
    "key": (CHECK_KEY_ACTION, messages.WHY_BUTTON_KEY),
    "streaming": (PROBE_STREAMING_ACTION, messages.WHY_BUTTON_STREAMING),
    "status": (STATUS_ACTION, messages.WHY_BUTTON_STATUS),
    # The Voice Agent, Flux and TTS-socket probes do not exist yet: until they do, these playbooks run
    # the full status report, which will cover the new surfaces once their probes are added.
    "agent": (STATUS_ACTION, messages.WHY_BUTTON_STATUS),
    "flux": (STATUS_ACTION, messages.WHY_BUTTON_STATUS),
    "tts_stream": (STATUS_ACTION, messages.WHY_BUTTON_STATUS),
}

#: Serialized size of all blocks that Slack accepts in one message (undocumented; keep a margin).
MAX_BLOCKS_CHARS = 12_000
#: A compact answer shows at most this much of its section, so a DM stays readable.
COMPACT_SECTION_CHARS = 2_400
MAX_QUERY_ECHO = 80


# -- Markdown → mrkdwn -----------------------------------------------------------------------------

_FENCE = re.compile(r"^```[\w-]*\n(.*?)^```[ \t]*$", re.S | re.M)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)<>|]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_BULLET = re.compile(r"^(\s*)- ", re.M)


def to_mrkdwn(markdown: str) -> str:
    """Playbook Markdown to Slack mrkdwn: our markup converted, every `&`, `<`, `>` escaped."""
    out: list[str] = []
    position = 0
    for fence in _FENCE.finditer(markdown):
        out.append(_prose(markdown[position : fence.start()]))
        # The language tag is dropped: Slack would print it as the first line of the block.
        out.append("```\n" + escape(fence.group(1)) + "```")
        position = fence.end()
    out.append(_prose(markdown[position:]))
    return "".join(out).strip()


def _prose(text: str) -> str:
    codes: list[str] = []

    def keep(found: re.Match[str]) -> str:
        codes.append(escape(found.group(0)))
        return f"\x00{len(codes) - 1}\x00"

    # Inline code first, so `**` or `[x](y)` inside code stay literal.
    text = _INLINE_CODE.sub(keep, text)
    links: list[str] = []

    def link(found: re.Match[str]) -> str:
        links.append(f"<{escape(found.group(2))}|{escape(found.group(1))}>")
        return f"\x01{len(links) - 1}\x01"

    text = escape(_LINK.sub(link, text))
    text = _BOLD.sub(r"*\1*", text)
    text = _BULLET.sub(r"\1• ", text)
    text = re.sub(r"\x01(\d+)\x01", lambda m: links[int(m.group(1))], text)
    return re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], text)


def split_mrkdwn(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Cut mrkdwn into pieces of at most `limit` characters, between paragraphs and never inside a
    code block (a code block longer than `limit` is cut between lines into several blocks)."""
    units: list[str] = []
    for part in re.split(r"(```.*?```)", text, flags=re.S):
        if part.startswith("```") and part.endswith("```") and len(part) > 3:
            units += _split_fence(part, limit)
        else:
            units += [p for p in re.split(r"\n{2,}", part.strip("\n")) if p.strip()]
    pieces: list[str] = []
    current = ""
    for unit in units:
        unit = unit if len(unit) <= limit else clip(unit, limit)
        joined = f"{current}\n{unit}" if current else unit
        if len(joined) <= limit:
            current = joined
        else:
            pieces.append(current)
            current = unit
    if current:
        pieces.append(current)
    return pieces


def _split_fence(fence: str, limit: int) -> list[str]:
    if len(fence) <= limit:
        return [fence]
    body = fence[3:-3].strip("\n")
    pieces, current = [], ""
    for line in body.split("\n"):
        line = clip(line, limit - 10)
        if current and len(current) + len(line) + 8 > limit:
            pieces.append(f"```\n{current}```")
            current = ""
        current += line + "\n"
    if current:
        pieces.append(f"```\n{current}```")
    return pieces


# -- pieces ----------------------------------------------------------------------------------------


def blocks_size(blocks: Sequence[Block]) -> int:
    """How Slack measures a message's blocks: compact JSON length."""
    return len(json.dumps(list(blocks), separators=(",", ":"), ensure_ascii=False))


def why_command(topic: Topic) -> str:
    return f"{messages.COMMAND} why {topic.value}"


def live_check_block(playbook: Playbook) -> Block | None:
    """The button that runs the playbook's live check, if it has one."""
    if playbook.live_check is None:
        return None
    action_id, label = LIVE_CHECK_BUTTONS[playbook.live_check]
    return {
        "type": "actions",
        "block_id": f"why_check_{playbook.topic.value}",
        "elements": [
            {
                "type": "button",
                "action_id": action_id,
                "text": {"type": "plain_text", "text": label, "emoji": True},
                "value": playbook.topic.value,
            }
        ],
    }


def quote_query(query: str) -> str:
    """A user's text, safe to show back: secrets masked, Slack markup escaped, shortened, one line."""
    return user_text(query, MAX_QUERY_ECHO)


def _candidates_text(candidates: Sequence[Candidate], library: Library) -> str:
    return ", ".join(f"`{why_command(c.topic)}` ({escape(library[c.topic].summary)})" for c in candidates)


def _match_note(match: Match | None) -> str | None:
    if match is None or match.kind in (None, "id", "alias"):
        return None
    if match.kind == "error" and match.evidence:
        return messages.why_recognised(user_text(match.evidence, 120))
    return messages.why_best_match(quote_query(match.query))


def _footer(match: Match | None) -> str:
    others = [f"`{why_command(c.topic)}`" for c in (match.runner_ups if match else ())]
    return messages.why_footer(others)


def _section_blocks(playbook: Playbook, keys: Sequence[str]) -> list[Block]:
    blocks: list[Block] = []
    for key in keys:
        s = playbook.section(key)
        for piece in split_mrkdwn(f"*{escape(s.title)}*\n{to_mrkdwn(s.body)}"):
            blocks.append(section(piece))
    return blocks


def _fit(blocks: list[Block]) -> list[Block]:
    """Keep a message within the block count and total size Slack accepts, shortening the longest
    sections first (only a playbook far longer than ours would ever need it)."""
    blocks = blocks[:MAX_BLOCKS]
    while blocks_size(blocks) > MAX_BLOCKS_CHARS:
        sections = [b for b in blocks if b["type"] == "section"]
        longest = max(sections, key=lambda b: len(b["text"]["text"]), default=None)
        if longest is None or len(longest["text"]["text"]) < 200:
            break
        text = longest["text"]["text"]
        excess = blocks_size(blocks) - MAX_BLOCKS_CHARS
        longest["text"]["text"] = clip(text, max(100, len(text) - excess - 50)).replace("```", "'''")
    return blocks


# -- replies ---------------------------------------------------------------------------------------


def playbook_blocks(playbook: Playbook, match: Match | None = None) -> list[Block]:
    """The whole playbook: title, what was matched, every section, the live check, alternatives."""
    blocks: list[Block] = [
        header(playbook.title),
        context(f"`{why_command(playbook.topic)}`  {escape(playbook.summary)}"),
    ]
    note = _match_note(match)
    if note:
        blocks.append(context(note))
    blocks += _section_blocks(playbook, [s.key for s in playbook.sections])
    check = live_check_block(playbook)
    if check is not None:
        blocks.append(check)
    blocks.append(context(_footer(match)))
    return _fit(blocks)


def playbook_reply(playbook: Playbook, match: Match | None = None) -> Reply:
    return Reply(text=f"{playbook.title}: {playbook.summary}", blocks=playbook_blocks(playbook, match))


# Words that say which part of a playbook a question wants.
_WANTS_FIX = re.compile(
    r"\b(how (?:do|can|to|should)|fix|solve|resolve|prevent|avoid|stop|example|code|snippet)\b", re.I
)
_WANTS_CHECK = re.compile(r"\b(check|verify|test|debug|diagnose|confirm|find out|tell if)\b", re.I)


def best_section(query: str) -> str:
    """The section a question most wants: the fix for "how do I…", the checks for "how can I tell…",
    otherwise the likely causes (the symptom is what the asker already described)."""
    if _WANTS_CHECK.search(query):
        return "check"
    if _WANTS_FIX.search(query):
        return "fix"
    return "causes"


def compact_blocks(playbook: Playbook, match: Match) -> list[Block]:
    """One section of the playbook, for answering a question in a DM thread."""
    key = best_section(match.query)
    s = playbook.section(key)
    body = f"*{escape(s.title)}*\n{to_mrkdwn(s.body)}"
    pieces = split_mrkdwn(body, COMPACT_SECTION_CHARS)
    blocks: list[Block] = [section(f"*{escape(playbook.title)}*\n{escape(playbook.summary)}")]
    note = _match_note(match)
    if note:
        blocks.append(context(note))
    blocks.append(section(pieces[0]))
    check = live_check_block(playbook)
    if check is not None:
        blocks.append(check)
    blocks.append(
        context(messages.why_more(why_command(playbook.topic), [f"`{why_command(c.topic)}`" for c in match.runner_ups]))
    )
    return _fit(blocks)


def compact_reply(playbook: Playbook, match: Match) -> Reply:
    return Reply(text=f"{playbook.title}: {playbook.summary}", blocks=compact_blocks(playbook, match))


def topic_list_blocks(library: Library) -> list[Block]:
    """Every topic by group, with the one-line summary of its playbook."""
    blocks: list[Block] = [header(messages.WHY_TOPICS_TITLE), section(messages.WHY_TOPICS_INTRO)]
    for group, playbooks in library.groups().items():
        lines = [f"*{escape(group)}*"] + [f"`{p.topic.value}`  {escape(p.summary)}" for p in playbooks]
        blocks += [section(piece) for piece in split_mrkdwn("\n".join(lines))]
    return blocks


def topic_list_reply(library: Library) -> Reply:
    return Reply(
        text=messages.WHY_TOPICS_INTRO + " " + ", ".join(p.topic.value for p in library),
        blocks=topic_list_blocks(library),
    )


def no_match_reply(match: Match, library: Library, *, dm: bool = False) -> Reply:
    """Nothing matched well enough: say so, offer the closest topics, list them all."""
    first = messages.why_no_match(quote_query(match.query), dm=dm)
    if match.runner_ups:
        first += " " + messages.why_did_you_mean(_candidates_text(match.runner_ups, library))
    blocks = [section(first), *topic_list_blocks(library)[1:]]
    return Reply(text=first, blocks=blocks)


def probe_reply(result: ProbeResult, topic: Topic) -> Reply:
    """The streaming probe's result, run from the playbook of `topic`."""
    lines = [probe_lines(result, title=messages.WHY_PROBE_TITLE)]
    blocks = [section("\n".join(lines)), context(messages.why_probe_context(why_command(topic), result.state))]
    return Reply(text=f"{messages.WHY_PROBE_TITLE}: {result.summary}", blocks=blocks)
