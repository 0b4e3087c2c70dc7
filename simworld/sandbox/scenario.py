"""Scenario commands: `:outage streaming`, `:incident minor "Elevated latency"`, `:resolve`…

Each one flips the simulated world the way the real one goes wrong: Deepgram's status page shows
an incident, the fake Deepgram starts refusing a surface, the bot's key stops working, the
credits run out, the API gets slow. The bot is not told anything: it finds out the way it would
in production, by polling the status page and probing the API.

Two families, undone separately because they have different owners:

- **Deepgram's problems** (outages, incidents, latency): `:resolve` ends them.
- **Your problems** (a rejected key, no credits): they stay until `:reset`, which puts the whole
  world back as it started.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from simworld.deepgram import ApiKey, FakeDeepgram
from simworld.statuspage import GROUP_NAME, INCIDENT_IMPACTS, FakeStatusPage
from simworld.statuspage._common import UNRESOLVED_STATUSES


class ScenarioError(ValueError):
    """The scenario command is not understood; the message says how to write it."""


@dataclass(frozen=True)
class Surface:
    """A Deepgram surface: its status-page component and the fake's route for it."""

    name: str
    component: str
    route: str


SURFACES: dict[str, Surface] = {
    "rest": Surface("pre-recorded (REST)", "Batch API", "listen"),
    "streaming": Surface("streaming (WebSocket)", "Streaming API", "listen_ws"),
    "tts": Surface("text-to-speech", "TTS API", "speak"),
    "agent": Surface("Voice Agent", "Voice Agent API", "agent"),
    # No status-page component of their own is known for Flux and the TTS socket (statuspage.md §7).
    "flux": Surface("Flux (v2 streaming)", "Streaming API", "listen_v2"),
    "tts-ws": Surface("TTS streaming (WebSocket)", "TTS API", "speak_ws"),
    "all": Surface("every Deepgram API", GROUP_NAME, "*"),
}
#: The third-party component behind the Voice Agent (statuspage.md §7).
DOWNSTREAM = "Voice Agent API: Downstream Providers"
ALIASES: dict[str, str] = {
    "batch": "rest",
    "prerecorded": "rest",
    "pre-recorded": "rest",
    "listen": "rest",
    "stream": "streaming",
    "ws": "streaming",
    "websocket": "streaming",
    "live": "streaming",
    "speak": "tts",
    "aura": "tts",
    "voice-agent": "agent",
    "v2": "flux",
    "tts_stream": "tts-ws",
    "speak-ws": "tts-ws",
    "api": "all",
}
#: The component status an incident of each impact puts its components in.
_COMPONENT_STATUS = {"minor": "degraded_performance", "major": "partial_outage", "critical": "major_outage"}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?)?$")

HELP = """\
Scenario commands (they change the simulated world; the bot finds out on its own):
  :outage [rest|streaming|tts|agent|flux|tts-ws|all]
                                     major outage on the status page; the fake Deepgram refuses that surface (503)
  :provider-down                     the LLM behind the Voice Agent fails ("Downstream Providers" degraded)
  :incident <minor|major|critical> "<title>" [component…]   open a status-page incident
  :resolve                           resolve open incidents; Deepgram healthy again (failures and latency gone)
  :bad-key                           the fake Deepgram rejects the bot's key (401) until :reset
  :no-credits                        the project's balance drops to $0 (402) until :reset
  :slow <2s|500ms|off>               add latency to every Deepgram request
  :reset                             everything back as it started
Sandbox commands:
  :channel <name>                    type the next commands in #name (created if new)
  :dm <text>                         send text to the bot as a DM (also: any line not starting with / or :)
  :wait [alerts]                     wait until the bot has noticed the last change and delivered its alerts
  <number>                           press the button with that number
  :help, :quit                       this help; leave (Ctrl-D and Ctrl-C work too)"""


def surface(word: str) -> Surface:
    """The surface named by `word` (`rest`, `streaming`, `tts`, `all`, or an alias)."""
    key = word.strip().lower()
    key = ALIASES.get(key, key)
    if key not in SURFACES:
        raise ScenarioError(f"unknown surface {word!r}: use {', '.join(SURFACES)}")
    return SURFACES[key]


def parse_seconds(text: str) -> float:
    """`2s`, `2`, `1.5 s`, `500ms` → seconds; `off` / `0` → 0."""
    value = text.strip().lower()
    if value in ("off", "none", "no"):
        return 0.0
    match = _DURATION.match(value)
    if not match:
        raise ScenarioError(f"cannot read {text!r} as a duration: write 2s, 500ms or off")
    number = float(match.group(1))
    return number / 1000 if match.group(2) == "ms" else number


class Scenario:
    """The scenario knobs of one simulated world, and what has been switched on."""

    def __init__(self, deepgram: FakeDeepgram, statuspage: FakeStatusPage) -> None:
        self.deepgram = deepgram
        self.statuspage = statuspage
        self.no_credits = False
        self._removed_key: ApiKey | None = None

    def apply(self, line: str) -> list[str]:
        """Run one scenario command (`:outage streaming`); returns what changed, for the reader."""
        try:
            words = shlex.split(line.strip().removeprefix(":"))
        except ValueError as exc:
            raise ScenarioError(f"cannot read {line!r}: {exc}") from None
        if not words:
            raise ScenarioError("empty command: try :help")
        name, args = words[0].lower(), words[1:]
        if name == "outage":
            return self.outage(args[0] if args else "all", *args[1:])
        if name == "incident":
            return self.incident(args)
        if name == "resolve":
            return self.resolve()
        if name in ("bad-key", "badkey"):
            return self.bad_key()
        if name in ("no-credits", "nocredits"):
            return self.exhaust_credits()
        if name == "slow":
            if not args:
                raise ScenarioError("how slow? e.g. :slow 2s (or :slow off)")
            return self.slow(parse_seconds(args[0]))
        if name in ("provider-down", "providerdown"):
            return self.provider_down()
        if name == "reset":
            return self.reset()
        raise ScenarioError(f"unknown command :{name}; :help lists them")

    # -- Deepgram's problems ------------------------------------------------------------------

    def outage(self, which: str, *extra: str) -> list[str]:
        """A major outage of one surface: on the status page, and for real in the fake API."""
        if extra:
            raise ScenarioError("usage: :outage [rest|streaming|tts|agent|flux|tts-ws|all]")
        target = surface(which)
        title = "Deepgram API outage" if target.route == "*" else f"{target.component} outage"
        self.statuspage.open_incident(
            title,
            impact="major",
            components=(target.component,),
            component_status="major_outage",
            body=f"We are investigating failures of the {target.component}.",
        )
        self.deepgram.fail(target.route, status=503, times=None)
        return [
            f'status page: "{title}" (major), {target.component} in major outage',
            f"fake Deepgram: {target.name} requests now fail with 503 Service Unavailable",
        ]

    def provider_down(self) -> list[str]:
        """The managed LLM behind the Voice Agent fails: Deepgram's page blames the third party, and the
        fake agent's think provider fails every turn (Deepgram's own APIs keep working)."""
        self.statuspage.open_incident(
            "Elevated errors from an LLM provider",
            impact="minor",
            components=(DOWNSTREAM,),
            component_status="degraded_performance",
            body="A third-party LLM provider used by the Voice Agent is returning errors.",
        )
        self.deepgram.agent.warn_at("think", "THINK_REQUEST_FAILED", times=None)
        self.deepgram.agent.fail_at("think", "FAILED_TO_THINK", times=None)
        return [
            f'status page: "Elevated errors from an LLM provider" (minor), {DOWNSTREAM} degraded',
            "fake Deepgram: every Voice Agent turn fails in its LLM provider (FAILED_TO_THINK)",
        ]

    def incident(self, args: Sequence[str]) -> list[str]:
        """An incident on the status page only: `impact "title" [component…]`."""
        usage = ':incident <minor|major|critical> "<title>" [component…]'
        if len(args) < 2:
            raise ScenarioError(f"usage: {usage}")
        impact, title, names = args[0].lower(), args[1], args[2:]
        if impact not in INCIDENT_IMPACTS:
            raise ScenarioError(f"impact must be one of {', '.join(INCIDENT_IMPACTS)}; usage: {usage}")
        components = [self._component(n) for n in names]
        status = _COMPONENT_STATUS.get(impact) if components else None
        self.statuspage.open_incident(title, impact=impact, components=components, component_status=status)
        where = f", {', '.join(components)} {status.replace('_', ' ')}" if status else ""
        return [f'status page: "{title}" ({impact}){where}']

    def _component(self, word: str) -> str:
        key = ALIASES.get(word.lower(), word.lower())
        if key in SURFACES:
            return SURFACES[key].component
        try:
            component_id = self.statuspage.component_id(word)
        except KeyError as exc:
            raise ScenarioError(str(exc.args[0])) from None
        return self.statuspage.components[component_id].name

    def slow(self, seconds: float) -> list[str]:
        """Every Deepgram request waits `seconds` before it is answered (0: no added latency)."""
        self.deepgram.set_latency("*", seconds)
        if seconds <= 0:
            return ["fake Deepgram: no added latency"]
        return [f"fake Deepgram: every request now takes {seconds:g} s longer"]

    def resolve(self) -> list[str]:
        """Resolve the open incidents and heal Deepgram; a rejected key or empty balance stays."""
        page = self.statuspage
        open_ids = [i.id for i in page.incidents.values() if not i.is_maintenance and i.status in UNRESOLVED_STATUSES]
        for incident_id in open_ids:
            page.resolve_incident(incident_id, body="This incident has been resolved.")
        page.set_component(GROUP_NAME, "operational")
        # `reset()` clears failures and latency but also refills credits: keep "your" problem on.
        self.deepgram.reset()
        if self.no_credits:
            self.deepgram.exhaust_credits()
        changed = [f"status page: {len(open_ids)} incident(s) resolved, every component operational"]
        changed.append("fake Deepgram: healthy (no failures, no added latency)")
        if self.no_credits or self._removed_key is not None:
            changed.append("still on until :reset: " + ", ".join(self._own_problems()))
        return changed

    # -- your problems ------------------------------------------------------------------------

    def bad_key(self) -> list[str]:
        """The fake forgets the bot's key: every request with it gets 401 INVALID_AUTH."""
        if self._removed_key is None:
            self._removed_key = self.deepgram.keys.pop(self.deepgram.api_key)
            self.deepgram.notify()
        return ["fake Deepgram: the bot's key is now rejected (401 Invalid credentials)"]

    def exhaust_credits(self) -> list[str]:
        """The default project's balance drops to $0: transcription and TTS answer 402."""
        self.deepgram.exhaust_credits()
        self.no_credits = True
        return ["fake Deepgram: the project's balance is $0.00 (402 Payment Required)"]

    def _own_problems(self) -> list[str]:
        problems = []
        if self._removed_key is not None:
            problems.append("rejected key")
        if self.no_credits:
            problems.append("no credits")
        return problems

    def reset(self) -> list[str]:
        """Everything as it started: no incidents, a healthy Deepgram, the key and credits back."""
        self.no_credits = False
        if self._removed_key is not None:
            self.deepgram.keys[self._removed_key.secret] = self._removed_key
            self._removed_key = None
        self.resolve()
        return ["world reset: status page all operational, fake Deepgram healthy, key accepted, credits restored"]
