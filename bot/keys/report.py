"""The `/deepgram check-key` checklist: the offline lines, the order of all lines, and Block Kit.

`build_key_check()` is pure: it reads a `Pasted` credential and what Deepgram answered
(`bot.keylive`), writes the offline lines itself (what it is, scheme, copy & paste, a token's
expiry) and takes the live ones from `bot.keylines`. Each failure has its next step and the
`/deepgram why <topic>` that explains it. What is rendered never holds more of the credential
than `…abcd`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.keys.checklist import Check, CheckState, api_key_checks, duration, jwt_checks
from bot.keys.live import ApiKeyFacts, Call, JwtFacts
from bot.keys.paste import HARMFUL_IN_CONFIG, Cleanup, CredentialKind, JwtClaims, Pasted, key_shape_issues
from bot.slack.kit import MAX_BLOCKS, Block, Reply, context, escape, header, section
from bot.topics import Topic

Source = Literal["configured", "pasted"]


STATE_EMOJI: dict[CheckState, str] = {
    "pass": ":white_check_mark:",
    "warn": ":warning:",
    "fail": ":x:",
    "info": ":information_source:",
}

ACK_TEXT = "Checking the key with Deepgram, a few seconds…"
NO_KEY = (
    "No `DEEPGRAM_API_KEY` is configured for the bot, so there is no key of its own to check. "
    "Set it in the bot's environment (a key with the Member role is enough) and restart the bot, "
    "or check any key by pasting it: `/deepgram check-key <key>`."
)
EMPTY_PASTE = (
    "There was no key left in what you pasted once quotes and spaces were taken off. "
    "Paste the key itself: `/deepgram check-key <key>`."
)
TOO_LONG = "That is far too long to be a Deepgram key or token; paste just the key: `/deepgram check-key <key>`."


@dataclass(frozen=True)
class KeyCheck:
    """The whole answer about one credential."""

    masked: str
    kind: CredentialKind
    source: Source
    api_url: str
    checks: tuple[Check, ...]

    def count(self, state: CheckState) -> int:
        return sum(1 for c in self.checks if c.state == state)

    @property
    def overall(self) -> CheckState:
        for state in ("fail", "warn"):
            if self.count(state):
                return state
        return "pass"


# -- building ------------------------------------------------------------------------------


def build_key_check(
    pasted: Pasted,
    facts: ApiKeyFacts | JwtFacts | None,
    *,
    source: Source,
    now: datetime,
    api_url: str,
    claims: JwtClaims | None = None,
) -> KeyCheck:
    """Every line of the checklist, offline checks first, in the order a person would ask them."""
    checks: list[Check] = [what_it_is(pasted, source)]
    demo_right = _demo_pair(facts)
    if source == "pasted":
        checks.extend(_optional(scheme_check(pasted, *demo_right)))
    checks.extend(_optional(cleanup_check(pasted, source, *demo_right)))
    if pasted.kind == "jwt":
        checks.append(jwt_expiry_check(claims, now))
    if pasted.kind in ("api_key", "jwt") and not pasted.sendable:
        checks.append(
            Check(
                "fail",
                "Accepted",
                "Not sent to Deepgram: it has characters no HTTP header can carry (letters beyond plain ASCII or "
                "control characters), so no app could send it either.",
                "Copy the key again from the Deepgram console; Deepgram keys are 40 characters of 0–9 and a–f.",
                Topic.UNAUTHORIZED,
            )
        )
    if isinstance(facts, ApiKeyFacts):
        checks.extend(api_key_checks(facts, now=now, api_url=api_url))
    elif isinstance(facts, JwtFacts):
        checks.extend(jwt_checks(facts, claims, now=now, api_url=api_url))
    return KeyCheck(pasted.masked, pasted.kind, source, api_url, tuple(checks))


def _optional(check: Check | None) -> list[Check]:
    return [check] if check else []


def _demo_pair(facts: ApiKeyFacts | JwtFacts | None) -> tuple[Call | None, Call | None]:
    """(the request sent as pasted, the same request sent right), when the demonstration ran."""
    if isinstance(facts, ApiKeyFacts):
        return facts.as_pasted, facts.projects
    if isinstance(facts, JwtFacts):
        return facts.as_pasted, facts.listen
    return None, None


def what_it_is(pasted: Pasted, source: Source) -> Check:
    label = "What it is"
    if pasted.kind == "jwt":
        if source == "configured":
            return Check(
                "fail",
                label,
                "The configured `DEEPGRAM_API_KEY` is a temporary token (JWT): it expires within minutes.",
                "Configure an API key instead; temporary tokens are for browsers and mobile apps.",
                Topic.TEMPORARY_TOKENS,
            )
        return Check("pass", label, "A temporary token (JWT), as `POST /v1/auth/grant` issues them.")
    if pasted.kind == "key_id":
        return Check(
            "fail",
            label,
            "This is a key *ID* (a UUID), not the key itself.",
            "The secret is the 40-character value shown once, when the key was created; Deepgram never shows it "
            "again. If nobody saved it, create a new key.",
            Topic.UNAUTHORIZED,
        )
    issues = key_shape_issues(pasted.secret)
    if not issues:
        return Check("pass", label, "Looks like a Deepgram API key (40 hex characters).")
    return Check(
        "warn",
        label,
        f"Unusual for a Deepgram API key: {'; '.join(issues)}. It may be cut short or carry extra characters.",
        "If Deepgram rejects it below, copy it again in full; Deepgram shows a key's secret only once, when it "
        "is created.",
        Topic.UNAUTHORIZED,
    )


def scheme_check(pasted: Pasted, demo: Call | None, right: Call | None) -> Check | None:
    """Is the pasted `Authorization` scheme the one this kind of credential needs (§1.1)?"""
    label = "Scheme"
    jwt = pasted.kind == "jwt"
    if pasted.kind not in ("api_key", "jwt"):
        return None
    right_scheme = pasted.right_scheme
    topic = Topic.TEMPORARY_TOKENS if jwt else Topic.UNAUTHORIZED
    what = "a temporary token" if jwt else "an API key"
    fix = f"Send `Authorization: {right_scheme} <{'token' if jwt else 'key'}>`."
    if jwt:
        fix += " In a browser WebSocket, use the subprotocols `bearer, <token>` (`/deepgram why browser-auth`)."
    if len(pasted.schemes) > 1:
        words = " ".join(pasted.schemes)
        text = (
            f"The scheme word is doubled (`{words} …`): Deepgram takes everything after the first "
            f"`{pasted.schemes[0]}` for the credential and answers 401."
        )
        step = (
            f"Your code adds `{pasted.schemes[0]} ` to a value that already has one: store the bare "
            f"{'token' if jwt else 'key'} and add the scheme in one place. {fix}"
        )
        return Check("fail", label, text + _evidence(pasted, demo, right), step, topic)
    if pasted.scheme is None:
        if pasted.header:
            text = f"No scheme word: a bare {'token' if jwt else 'key'} in `Authorization` is answered with 401."
            return Check("fail", label, text + _evidence(pasted, demo, right), fix, topic)
        return Check("info", label, f"You pasted it without a scheme: send it as `Authorization: {right_scheme} …`.")
    if pasted.scheme == right_scheme.lower():
        return Check("pass", label, f"`{escape(pasted.schemes[0])}` is the right scheme for {what}.")
    wrong = escape(pasted.schemes[0])
    if jwt:
        text = f"A temporary token sent as `{wrong}` is answered with 401: temporary tokens need `Bearer`."
    else:
        text = f"An API key sent as `{wrong}` is answered with 401: `Bearer` is only for temporary tokens."
    return Check("fail", label, text + _evidence(pasted, demo, right), fix, topic)


def _evidence(pasted: Pasted, demo: Call | None, right: Call | None) -> str:
    """What Deepgram really answered to the paste as written, next to the right form."""
    shown = pasted.sent_as_pasted_masked()
    if demo is None or shown is None:
        return ""
    if demo.status is None:
        return " (Deepgram could not be asked just now; 401 is what it documents for this.)"
    right_text = ""
    if right is not None and right.status is not None:
        answered = f"answered {right.status}"
        if pasted.kind == "jwt" and right.status == 400:
            # The token test sends no audio: 400 means it got past authentication.
            answered = "got past authentication (400, only for the missing audio)"
        right_text = f"; sent as `{pasted.right_scheme} {pasted.masked}` it {answered}"
    if demo.ok:
        return (
            f" Sent as you pasted it (`{escape(shown)}`), Deepgram accepted it this time{right_text}; only "
            f"`{pasted.right_scheme}` is documented, so don't rely on that."
        )
    return f" Tried just now: sent as you pasted it (`{escape(shown)}`), Deepgram answered {demo.status}{right_text}."


def cleanup_check(pasted: Pasted, source: Source, demo: Call | None, right: Call | None) -> Check | None:
    """Quotes, stray whitespace or invisible characters around or inside the credential."""
    label = "Copy & paste"
    harmful = sorted(c.value for c in pasted.cleanups & HARMFUL_IN_CONFIG)
    if source == "configured":
        if not harmful:
            return None
        text = (
            f"The configured `DEEPGRAM_API_KEY` contains {', '.join(harmful)}: they are sent to Deepgram as part "
            "of the key."
        )
        if demo is not None and demo.status is not None:
            text += f" Sent exactly as configured, Deepgram answered {demo.status}"
            text += f"; without them, {right.status}." if right is not None and right.status is not None else "."
        return Check(
            "fail",
            label,
            text,
            "Set the bare key, with no quotes or spaces (`docker --env-file` keeps quotes literally), and restart "
            "the bot.",
            Topic.UNAUTHORIZED,
        )
    risky = [c for c in harmful if c != Cleanup.QUOTES.value]
    if risky:
        return Check(
            "warn",
            label,
            f"Removed {', '.join(harmful)} for this check. If your app's configuration has them too, they are "
            "sent as part of the key and Deepgram answers 401.",
            "Check the value your app reads: no quotes, no trailing newline, no invisible characters.",
            Topic.UNAUTHORIZED,
        )
    if harmful:
        return Check(
            "info",
            label,
            "Removed the quotes around it for this check. If your app's configuration has quotes inside the value "
            "(`docker --env-file` keeps them), Deepgram receives them as part of the key and answers 401.",
        )
    return None


def jwt_expiry_check(claims: JwtClaims | None, now: datetime) -> Check:
    label = "Expiry"
    if claims is None or not claims.decoded:
        return Check("warn", label, "Its payload cannot be read, so when it expires is unknown.")
    if claims.expires_at is None:
        return Check(
            "warn", label, "It carries no expiry time (`exp`), which is unusual for Deepgram's temporary tokens."
        )
    left = (claims.expires_at - now).total_seconds()
    at = claims.expires_at.strftime("%H:%M:%S UTC")
    if left <= 0:
        return Check(
            "fail",
            label,
            f"Expired {duration(-left)} ago (at {at}).",
            "Temporary tokens live 30 s unless `ttl_seconds` asks for more: mint one right before connecting "
            "(a WebSocket only needs it valid when it opens).",
            Topic.TEMPORARY_TOKENS,
        )
    return Check(
        "pass",
        label,
        f"Valid for another {duration(left)} (until {at}); a WebSocket only needs it valid when it connects.",
    )


# -- rendering -------------------------------------------------------------------------------


def check_line(check: Check) -> str:
    """One checklist line in mrkdwn, with its next step and playbook when it has them."""
    line = f"{STATE_EMOJI[check.state]} *{check.label}*: {check.text}"
    follow = [
        part
        for part in (check.next_step, f"`{check.topic.command}`" if check.topic and check.state != "pass" else None)
        if part
    ]
    if follow:
        line += "\n→ " + " ".join(follow)
    return line


def verdict_line(result: KeyCheck) -> str:
    fails, warns = result.count("fail"), result.count("warn")
    if fails:
        extra = f", {warns} warning{'s' if warns != 1 else ''}" if warns else ""
        return f":x: *{fails} problem{'s' if fails != 1 else ''} found{extra}.*"
    if warns:
        return f":warning: *Works, with {warns} warning{'s' if warns != 1 else ''}.*"
    return ":white_check_mark: *All checks pass.*"


def footer(result: KeyCheck) -> str:
    where = f"`{escape(result.api_url)}`"
    if result.source == "configured":
        return (
            f"Checked the bot's configured `DEEPGRAM_API_KEY` against {where}. The key is never shown, logged or "
            "stored."
        )
    return (
        f"Checked what you pasted against {where}; it is never shown, logged or stored. Slash commands are private, "
        "so it was not posted in the channel; but if this key was ever pasted anywhere public (a channel, a ticket, "
        "a repository), rotate it: create a new key, switch your apps over, delete the old one."
    )


def render_key_check(result: KeyCheck) -> Reply:
    """The checklist as an ephemeral Block Kit reply; the fallback text names only the masked key."""
    what = "Temporary token" if result.kind == "jwt" else "Key"
    title = f"{what} check {result.masked}"
    blocks: list[Block] = [header(title), section(verdict_line(result))]
    lines = [section(check_line(c)) for c in result.checks]
    room = MAX_BLOCKS - len(blocks) - 1
    blocks.extend(lines[:room])
    blocks.append(context(footer(result)))
    fails, warns = result.count("fail"), result.count("warn")
    text = f"{title}: {fails} problem{'s' if fails != 1 else ''}, {warns} warning{'s' if warns != 1 else ''}"
    return Reply(text=text, blocks=blocks)


def notice_reply(text: str) -> Reply:
    """A one-paragraph answer (no key configured, nothing pasted)."""
    return Reply(text=text, blocks=[section(f":information_source: {text}")])
