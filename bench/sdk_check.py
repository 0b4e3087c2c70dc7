"""Run the official Deepgram Python SDK against the fake Deepgram: Voice Agent, Flux (v2 listen), TTS socket.

A second opinion on the fake's realtime surfaces, not a test and not a project dependency. The SDK is
pointed at the fake through its `DeepgramClientEnvironment(base, production, agent, agent_rest)` (all four
fields: base/agent_rest are the REST hosts, production/agent the WebSocket hosts). Every server message is
parsed twice: as the SDK itself does (its lenient `construct_type` over the socket's response union) and
strictly (pydantic validation against the SDK model for that `type`). Where the SDK and the reference
disagree the reference wins; this script only reports.

    python3 -m venv /tmp/sdkvenv
    /tmp/sdkvenv/bin/pip install deepgram-sdk aiohttp   # the newest SDK; aiohttp runs the fake
    /tmp/sdkvenv/bin/python bench/sdk_check.py

(`/tmp/sdkvenv/bin/pip install deepgram-sdk -e /work/main` works too, but is not needed: the script puts
the project on `sys.path` and only imports `simworld.deepgram`.)
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import sys
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pydantic  # noqa: E402
from deepgram import AsyncDeepgramClient, DeepgramClientEnvironment  # noqa: E402
from deepgram.agent.v1 import socket_client as agent_socket  # noqa: E402
from deepgram.agent.v1 import types as agent_types  # noqa: E402
from deepgram.core.api_error import ApiError  # noqa: E402
from deepgram.core.unchecked_base_model import construct_type  # noqa: E402
from deepgram.listen.v2 import socket_client as flux_socket  # noqa: E402
from deepgram.listen.v2 import types as flux_types  # noqa: E402
from deepgram.speak.v1 import socket_client as speak_socket  # noqa: E402
from deepgram.speak.v1 import types as speak_types  # noqa: E402

from simworld.deepgram import FakeDeepgram  # noqa: E402
from simworld.world import PROBE_SENTENCE, probe_clip  # noqa: E402

PROBE_WAV = ROOT / "bot/probes/data/probe-clip.wav"
PROBE_SETTINGS: dict[str, Any] = {
    "type": "Settings",
    "audio": {
        "input": {"encoding": "linear16", "sample_rate": 16000},
        "output": {"encoding": "linear16", "sample_rate": 16000, "container": "none"},
    },
    "agent": {
        "listen": {"provider": {"type": "deepgram", "version": "v1", "model": "nova-3"}},
        "think": {"provider": {"type": "open_ai", "model": "gpt-4o-mini"}, "prompt": "Answer with one short word."},
        "speak": {"provider": {"type": "deepgram", "version": "v1", "model": "aura-2-thalia-en"}},
    },
}

results: list[tuple[str, bool, str]] = []


def report(name: str, ok: bool, detail: str = "") -> None:
    """Record and print one check."""
    results.append((name, ok, detail))
    print(f"  [{'ok' if ok else 'FAIL'}] {name}" + (f": {detail}" if detail else ""))


class Parser:
    """How the SDK reads one socket's messages: its own union, and strictly per `type`."""

    def __init__(self, union: Any, module: Any, prefix: str, renames: dict[str, str] | None = None) -> None:
        self.union = union
        self.module = module
        self.prefix = prefix
        self.renames = renames or {}

    def check(self, raw: str | bytes, label: str, *, disputed: bool = False) -> dict[str, Any] | None:
        """Parse `raw`; report the SDK class and strict validation. Returns the JSON (None for audio).

        `disputed`: a knob variant the reference documents but the SDK is known not to read (reported as a
        note, not a failure).
        """
        if isinstance(raw, bytes):
            return None
        doc: dict[str, Any] = json.loads(raw)
        kind = str(doc.get("type"))
        try:
            sdk_class = type(construct_type(type_=self.union, object_=doc)).__name__
        except Exception as exc:  # the SDK would log "Skipping unknown WebSocket message"
            sdk_class = f"<skipped: {type(exc).__name__}>"
        model = getattr(self.module, self.prefix + self.renames.get(kind, kind), None)
        if model is None:
            report(f"{label}: {kind}", False, f"no SDK model for this type (SDK parses it as {sdk_class})")
            return doc
        try:
            strict = type(pydantic.TypeAdapter(model).validate_python(doc)).__name__
        except pydantic.ValidationError as exc:
            errors = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            detail = f"SDK class {sdk_class}; strict validation: {errors}"
            if disputed:
                print(f"  [note] {label}: {kind}: documented variant the SDK cannot read: {detail}")
                return doc
            report(f"{label}: {kind}", False, detail)
            return doc
        note = "" if sdk_class == strict else f" (NOTE: the SDK's own union parses it as {sdk_class})"
        report(f"{label}: {kind}", True, f"valid {strict}{note}")
        return doc


AGENT = Parser(agent_socket.V1SocketClientResponse, agent_types, "AgentV1")
FLUX = Parser(flux_socket.V2SocketClientResponse, flux_types, "ListenV2", {"Error": "FatalError"})
SPEAK = Parser(speak_socket.V1SocketClientResponse, speak_types, "SpeakV1")


async def read(
    conn: Any, parser: Parser, label: str, until: str | None, timeout: float = 3.0, *, disputed: bool = False
) -> list[Any]:
    """Raw frames from an SDK socket (its `_websocket`) until a message of type `until`, silence, or close."""
    out: list[Any] = []
    ws = conn._websocket
    while True:
        try:
            raw = await asyncio.wait_for(ws.recv(), timeout)
        except TimeoutError:
            return out
        except Exception as exc:  # closed
            code = getattr(ws, "close_code", None)
            out.append(("closed", code, type(exc).__name__))
            return out
        doc = parser.check(raw, label, disputed=disputed)
        out.append(raw if doc is None else doc)
        if doc is not None and until is not None and doc.get("type") == until:
            return out


def client(dg: FakeDeepgram, key: str | None = None) -> AsyncDeepgramClient:
    """The SDK pointed at the fake (REST base, WebSocket base, agent WebSocket host, agent REST host)."""
    env = DeepgramClientEnvironment(
        base=dg.base_url, production=dg.ws_url, agent=dg.agent_url, agent_rest=dg.agent_base_url
    )
    return AsyncDeepgramClient(api_key=key or dg.api_key, environment=env)


# -- Voice Agent ----------------------------------------------------------------------------------------------


async def check_agent(dg: FakeDeepgram) -> None:
    """think-models REST, then Welcome → Settings → SettingsApplied → InjectUserMessage → reply audio."""
    models = await client(dg).agent.v1.settings.think.models.list()
    report("agent REST think models", bool(models.models), f"{len(models.models)} models, first {models.models[0]}")
    settings = agent_types.AgentV1Settings.model_validate(PROBE_SETTINGS)
    async with client(dg).agent.v1.connect() as agent:
        await read(agent, AGENT, "agent", until="Welcome")
        await agent.send_settings(settings)
        sent = dg.requests[-1]
        got = await read(agent, AGENT, "agent", until="SettingsApplied")
        applied = any(isinstance(m, dict) and m["type"] == "SettingsApplied" for m in got)
        report("agent accepts the SDK's Settings", applied)
        await agent.send_keep_alive()
        await agent.send_inject_user_message(agent_types.AgentV1InjectUserMessage(content="Are you there?"))
        turn = await read(agent, AGENT, "agent", until="LatencyReport")
        audio = sum(len(m) for m in turn if isinstance(m, bytes))
        report("agent reply audio (linear16 16 kHz)", audio > 0, f"{audio} bytes")
        await agent.send_update_prompt(agent_types.AgentV1UpdatePrompt(prompt=" Be brief."))
        await read(agent, AGENT, "agent", until="PromptUpdated")
        await agent.send_settings(settings)  # second Settings → Error SETTINGS_ALREADY_APPLIED
        end = await read(agent, AGENT, "agent", until=None)
        report("agent second Settings → Error then close", any(isinstance(m, tuple) for m in end), repr(end[-1]))
    print(f"    fake recorded client messages: {sent.client_messages}")
    try:
        async with client(dg, key="0" * 40).agent.v1.connect():
            report("agent bad key refused", False, "connected")
    except ApiError as exc:
        report("agent bad key refused", exc.status_code == 401, f"ApiError {exc.status_code}: {exc.body}")


# -- Flux -----------------------------------------------------------------------------------------------------


async def check_flux(dg: FakeDeepgram) -> None:
    """Connected → the probe clip's turn → Configure → CloseStream; a refused parameter; newer fields."""
    wav = PROBE_WAV.read_bytes()
    payload = wav[44:]
    kw: dict[str, Any] = {"model": "flux-general-en", "encoding": "linear16", "sample_rate": "16000"}
    async with client(dg).listen.v2.connect(**kw, eot_threshold="0.7") as flux:
        await read(flux, FLUX, "flux", until="Connected")
        for i in range(0, len(payload) + 32000, 2560):
            await flux.send_media((payload + bytes(32000))[i : i + 2560])
        got = await read(flux, FLUX, "flux", until=None, timeout=1.0)
        end = [m for m in got if isinstance(m, dict) and m.get("event") == "EndOfTurn"]
        said = end[0]["transcript"] if end else None
        report("flux EndOfTurn transcript", said == PROBE_SENTENCE, repr(said))
        await flux.send_configure(flux_types.ListenV2Configure(thresholds={"eager_eot_threshold": 0.5}))
        await read(flux, FLUX, "flux", until="ConfigureSuccess")
        await flux.send_close_stream()
        closed = await read(flux, FLUX, "flux", until=None)
        report("flux CloseStream closes the socket", bool(closed) and isinstance(closed[-1], tuple), repr(closed[-1:]))
    dg.flux.newer_fields = True
    async with client(dg).listen.v2.connect(**kw) as flux:
        await read(flux, FLUX, "flux+newer", until="Connected")
        await flux.send_media(payload)
        await flux.send_force_end_turn()
        await read(flux, FLUX, "flux+newer", until="TurnInfo")
        await read(flux, FLUX, "flux+newer", until=None, timeout=0.5)
        await flux.send_force_end_turn()  # no active turn → Warning
        await read(flux, FLUX, "flux+newer", until="Warning", timeout=1.0)
    for fatal_type in ("Error", "FatalError"):  # AAS vs the py-sdk migration doc (reference §2.3)
        dg.flux.reset()
        dg.flux.idle_timeout, dg.flux.fatal_error_type = 0.3, fatal_type  # type: ignore[assignment]
        async with client(dg).listen.v2.connect(**kw) as flux:
            await read(flux, FLUX, f"flux idle ({fatal_type})", until=None, timeout=2.0, disputed=fatal_type != "Error")
    dg.flux.reset()
    try:
        async with client(dg).listen.v2.connect(**kw, language_hint="es"):
            report("flux refused language_hint on flux-general-en", False, "connected")
    except ApiError as exc:
        report("flux refused language_hint on flux-general-en", exc.status_code == 400, f"ApiError {exc.status_code}")


# -- TTS socket -----------------------------------------------------------------------------------------------


async def check_speak(dg: FakeDeepgram) -> None:
    """Metadata → Speak → Flush → audio + Flushed → Clear → Cleared → Close; both Warning field styles."""
    kw: dict[str, Any] = {"model": "aura-2-thalia-en", "encoding": "linear16", "sample_rate": 24000}
    async with client(dg).speak.v1.connect(**kw) as tts:
        await read(tts, SPEAK, "speak", until="Metadata")
        await tts.send_text(speak_types.SpeakV1Text(type="Speak", text="Hello from the fake."))
        await tts.send_flush()
        got = await read(tts, SPEAK, "speak", until="Flushed")
        report("speak audio before Flushed", any(isinstance(m, bytes) for m in got))
        await tts.send_clear()
        await read(tts, SPEAK, "speak", until="Cleared")
        await tts.send_close()
        closed = await read(tts, SPEAK, "speak", until=None)
        report("speak Close → 1000", bool(closed) and closed[-1][1] == 1000, repr(closed[-1:]))
    for style in ("code", "warn_code"):
        dg.speak_ws.warning_fields = style  # type: ignore[assignment]
        dg.speak_ws.flushes_per_window = 0
        async with client(dg).speak.v1.connect(**kw) as tts:
            await read(tts, SPEAK, f"speak warning ({style})", until="Metadata")
            await tts.send_flush()
            await read(tts, SPEAK, f"speak warning ({style})", until="Warning", disputed=style == "warn_code")
    dg.speak_ws.reset()


async def main() -> int:
    """Start the fake, run the three surfaces, print a summary; exit 1 if anything failed."""
    version = importlib.metadata.version("deepgram-sdk")
    print(f"deepgram-sdk {version} against the fake Deepgram")
    async with FakeDeepgram() as dg:
        dg.register_clip(probe_clip())  # the recorded real transcript and word timings
        checks: list[tuple[str, Callable[[FakeDeepgram], Awaitable[None]]]] = [
            ("Voice Agent", check_agent),
            ("Flux (listen v2)", check_flux),
            ("TTS socket (speak v1)", check_speak),
        ]
        for title, check in checks:
            print(f"\n{title}")
            try:
                await check(dg)
            except Exception:
                report(f"{title} raised", False, traceback.format_exc(limit=3).strip().splitlines()[-1])
    failed = [r for r in results if not r[1]]
    print(f"\n{len(results) - len(failed)} ok, {len(failed)} not ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
