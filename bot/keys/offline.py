"""Checklist lines read from the credential itself: what it is, its scheme, what copy & paste added.

These need no network, except that a wrong scheme or stray characters are shown next to what
Deepgram really answered to them (`demo`: the request as pasted; `right`: the same request sent
right), when `bot.keys.live` made that demonstration. Scheme rules: deepgram.md §1.1.
"""

from __future__ import annotations

from bot.keys.live import Call
from bot.keys.paste import HARMFUL_IN_CONFIG, Cleanup, Pasted, key_shape_issues
from bot.keys.result import Check, Source
from bot.prose import Prose, see
from bot.topics import Topic


def what_it_is(pasted: Pasted, source: Source) -> Check:
    label = "What it is"
    if pasted.kind == "jwt":
        if source == "configured":
            return Check(
                "fail",
                label,
                Prose.of("The configured `DEEPGRAM_API_KEY` is a temporary token (JWT): it expires within minutes."),
                Prose.of("Configure an API key instead; temporary tokens are for browsers and mobile apps."),
                Topic.TEMPORARY_TOKENS,
            )
        return Check("pass", label, Prose.of("A temporary token (JWT), as `POST /v1/auth/grant` issues them."))
    if pasted.kind == "key_id":
        return Check(
            "fail",
            label,
            Prose.of("This is a key *ID* (a UUID), not the key itself."),
            Prose.of(
                "The secret is the 40-character value shown once, when the key was created; Deepgram never shows "
                "it again. If nobody saved it, create a new key."
            ),
            Topic.UNAUTHORIZED,
        )
    issues = key_shape_issues(pasted.secret)
    if not issues:
        return Check("pass", label, Prose.of("Looks like a Deepgram API key (40 hex characters)."))
    return Check(
        "warn",
        label,
        Prose.of(
            "Unusual for a Deepgram API key: {issues}. It may be cut short or carry extra characters.",
            issues="; ".join(issues),
        ),
        Prose.of(
            "If Deepgram rejects it below, copy it again in full; Deepgram shows a key's secret only once, when it "
            "is created."
        ),
        Topic.UNAUTHORIZED,
    )


def scheme_check(pasted: Pasted, demo: Call | None, right: Call | None) -> Check | None:
    """Is the pasted `Authorization` scheme the one this kind of credential needs (deepgram.md §1.1)?"""
    if pasted.kind not in ("api_key", "jwt"):
        return None
    label = "Scheme"
    jwt = pasted.kind == "jwt"
    right_scheme = pasted.right_scheme
    topic = Topic.TEMPORARY_TOKENS if jwt else Topic.UNAUTHORIZED
    noun = "token" if jwt else "key"
    fix = Prose.of("Send `Authorization: {scheme} <{noun}>`.", scheme=right_scheme, noun=noun)
    if jwt:
        fix += Prose.of(
            " In a browser WebSocket, use the subprotocols `bearer, <token>` ({why}).", why=see(Topic.BROWSER_AUTH)
        )
    evidence = _evidence(pasted, demo, right)
    if len(pasted.schemes) > 1:
        first = pasted.schemes[0]
        text = Prose.of(
            "The scheme word is doubled (`{words} …`): Deepgram takes everything after the first `{first}` for the "
            "credential and answers 401.",
            words=" ".join(pasted.schemes),
            first=first,
        )
        step = Prose.of(
            "Your code adds `{first} ` to a value that already has one: store the bare {noun} and add the scheme in "
            "one place. {fix}",
            first=first,
            noun=noun,
            fix=fix,
        )
        return Check("fail", label, text + evidence, step, topic)
    if pasted.scheme is None:
        if pasted.header:
            text = Prose.of("No scheme word: a bare {noun} in `Authorization` is answered with 401.", noun=noun)
            return Check("fail", label, text + evidence, fix, topic)
        text = Prose.of("You pasted it without a scheme: send it as `Authorization: {scheme} …`.", scheme=right_scheme)
        return Check("info", label, text)
    if pasted.scheme == right_scheme.lower():
        what = "a temporary token" if jwt else "an API key"
        text = Prose.of("`{scheme}` is the right scheme for {what}.", scheme=pasted.schemes[0], what=what)
        return Check("pass", label, text)
    if jwt:
        template = "A temporary token sent as `{wrong}` is answered with 401: temporary tokens need `Bearer`."
    else:
        template = "An API key sent as `{wrong}` is answered with 401: `Bearer` is only for temporary tokens."
    return Check("fail", label, Prose.of(template, wrong=pasted.schemes[0]) + evidence, fix, topic)


def _evidence(pasted: Pasted, demo: Call | None, right: Call | None) -> Prose:
    """What Deepgram really answered to the paste as written, next to the right form."""
    shown = pasted.sent_as_pasted_masked()
    if demo is None or shown is None:
        return Prose()
    if demo.status is None:
        return Prose.of(" (Deepgram could not be asked just now; 401 is what it documents for this.)")
    right_text = Prose()
    if right is not None and right.status is not None:
        answered = f"answered {right.status}"
        if pasted.kind == "jwt" and right.status == 400:
            # The token test sends no audio: 400 means it got past authentication.
            answered = "got past authentication (400, only for the missing audio)"
        right_text = Prose.of(
            "; sent as `{scheme} {masked}` it {answered}",
            scheme=pasted.right_scheme,
            masked=pasted.masked,
            answered=answered,
        )
    if demo.ok:
        return Prose.of(
            " Sent as you pasted it (`{shown}`), Deepgram accepted it this time{right}; only `{scheme}` is "
            "documented, so don't rely on that.",
            shown=shown,
            right=right_text,
            scheme=pasted.right_scheme,
        )
    return Prose.of(
        " Tried just now: sent as you pasted it (`{shown}`), Deepgram answered {status}{right}.",
        shown=shown,
        status=demo.status,
        right=right_text,
    )


def cleanup_check(pasted: Pasted, source: Source, demo: Call | None, right: Call | None) -> Check | None:
    """Quotes, stray whitespace or invisible characters around or inside the credential."""
    harmful = sorted(c.value for c in pasted.cleanups & HARMFUL_IN_CONFIG)
    if source == "configured":
        return _configured_cleanup(harmful, demo, right) if harmful else None
    label = "Copy & paste"
    if any(c != Cleanup.QUOTES.value for c in harmful):
        return Check(
            "warn",
            label,
            Prose.of(
                "Removed {removed} for this check. If your app's configuration has them too, they are sent as part "
                "of the key and Deepgram answers 401.",
                removed=", ".join(harmful),
            ),
            Prose.of("Check the value your app reads: no quotes, no trailing newline, no invisible characters."),
            Topic.UNAUTHORIZED,
        )
    if harmful:
        return Check(
            "info",
            label,
            Prose.of(
                "Removed the quotes around it for this check. If your app's configuration has quotes inside the "
                "value (`docker --env-file` keeps them), Deepgram receives them as part of the key and answers 401."
            ),
        )
    return None


def _configured_cleanup(harmful: list[str], demo: Call | None, right: Call | None) -> Check:
    """Quotes or whitespace inside the bot's own `DEEPGRAM_API_KEY`: they reach Deepgram as part of the key."""
    text = Prose.of(
        "The configured `DEEPGRAM_API_KEY` contains {harmful}: they are sent to Deepgram as part of the key.",
        harmful=", ".join(harmful),
    )
    if demo is not None and demo.status is not None:
        text += f" Sent exactly as configured, Deepgram answered {demo.status}"
        text += f"; without them, {right.status}." if right is not None and right.status is not None else "."
    return Check(
        "fail",
        "Copy & paste",
        text,
        Prose.of(
            "Set the bare key, with no quotes or spaces (`docker --env-file` keeps quotes literally), and restart "
            "the bot."
        ),
        Topic.UNAUTHORIZED,
    )
