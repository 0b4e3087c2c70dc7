"""Query parameters of Flux `/v2/listen`, checked before the upgrade (`deepgram-realtime.md` §2.1–2.2, §2.5).

Every refusal is a plain-HTTP handshake error with `dg-error`. The status and the wording of these
refusals are unverified for v2 (only "handshake 400" is documented for `redact` and `language_hint`);
the messages follow the serde-style wording of the v1 refusals (`deepgram.md` §2.1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from multidict import MultiMapping

from . import errors as E
from .errors import ErrorReply
from .knobs_realtime import FluxKnobs

FLUX_MODELS = ("flux-general-en", "flux-general-multi")  # AAS `ListenV2Model`
FLUX_ENCODINGS = ("linear16", "linear32", "mulaw", "alaw", "opus", "ogg-opus")  # AAS `ListenV2Encoding`
FLUX_SAMPLE_RATES = (8000, 16000, 24000, 44100, 48000)  # dev docs/flux/quickstart
FLUX_PARAMS = (
    "model",
    "encoding",
    "sample_rate",
    "eager_eot_threshold",
    "eot_threshold",
    "eot_timeout_ms",
    "keyterm",
    "language_hint",
    "profanity_filter",
    "numerals",
    "redact",
    "mip_opt_out",
    "tag",
)
EAGER_RANGE = (0.3, 0.9)
EOT_MIN = 0.5
EOT_TIMEOUT_MIN = 500
MAX_KEYTERMS = 100  # Configure: keyterms "≤100" (§2.4)


@dataclass
class FluxParams:
    """A validated Flux configuration (also what `Configure` updates)."""

    model: str
    encoding: str | None
    sample_rate: int | None
    eot_threshold: float = 0.7
    eager_eot_threshold: float | None = None
    eot_timeout_ms: int = 5000
    keyterms: list[str] = field(default_factory=list)
    language_hints: list[str] = field(default_factory=list)
    numerals: bool = False

    @property
    def multi(self) -> bool:
        """The multilingual model (the only one that takes language hints)."""
        return self.model == "flux-general-multi"

    def thresholds(self) -> dict[str, float | int]:
        """The `thresholds` object of ConfigureSuccess (current values)."""
        out: dict[str, float | int] = {"eot_threshold": self.eot_threshold, "eot_timeout_ms": self.eot_timeout_ms}
        if self.eager_eot_threshold is not None:
            out["eager_eot_threshold"] = self.eager_eot_threshold
        return out


def _bad(rid: str, message: str, status: int = 400) -> ErrorReply:
    return ErrorReply(
        status, E.legacy((E.INVALID_QUERY_PARAMETER, "Failed to deserialize query parameters: " + message), rid)
    )


def threshold_problem(params: FluxParams, knobs: FluxKnobs, *, timeout_max: int) -> str | None:
    """Why the thresholds are out of range (§2.2), or None."""
    if not EOT_MIN <= params.eot_threshold <= knobs.eot_threshold_max:
        return f"eot_threshold must be between {EOT_MIN} and {knobs.eot_threshold_max}"
    eager = params.eager_eot_threshold
    if eager is not None and not EAGER_RANGE[0] <= eager <= EAGER_RANGE[1]:
        return f"eager_eot_threshold must be between {EAGER_RANGE[0]} and {EAGER_RANGE[1]}"
    if not EOT_TIMEOUT_MIN <= params.eot_timeout_ms <= timeout_max:
        return f"eot_timeout_ms must be between {EOT_TIMEOUT_MIN} and {timeout_max}"
    if eager is not None and eager > params.eot_threshold:
        # The ConfigureFailure example text (dev docs/flux/configure, §2.1).
        return "eager_eot_threshold must be less than or equal to eot_threshold"
    return None


def _float(query: MultiMapping[str], name: str) -> float | None | str:
    if name not in query:
        return None
    try:
        return float(query[name])
    except ValueError:
        return f"{name}: invalid float literal"


def parse_flux(query: MultiMapping[str], knobs: FluxKnobs, rid: str) -> FluxParams | ErrorReply:
    """Validate `/v2/listen` parameters as the upgrade would."""
    if knobs.reject_unknown_params:
        for name in query:
            if name not in FLUX_PARAMS:
                # v1-only parameters (`language`, `smart_format`, `interim_results`, …) are not Flux's (§2.1).
                expected = ", ".join(f"`{p}`" for p in FLUX_PARAMS)
                return _bad(rid, f"unknown field `{name}`, expected one of {expected}")
    model = query.get("model")
    if model is None:
        return _bad(rid, "missing field `model`")
    if model not in FLUX_MODELS:
        # A Nova model (or `model=flux`) on /v2/listen: a handshake 4xx, unverified (§2.5).
        return ErrorReply(knobs.wrong_model_status, E.legacy(E.NO_SUCH_MODEL, rid))
    encoding = query.get("encoding")
    if encoding is not None and encoding not in FLUX_ENCODINGS:
        expected = ", ".join(f"`{e}`" for e in FLUX_ENCODINGS)
        return _bad(rid, f"unknown variant `{encoding}`, expected one of {expected}")
    sample_rate: int | None = None
    if "sample_rate" in query:
        try:
            sample_rate = int(query["sample_rate"])
        except ValueError:
            return _bad(rid, "sample_rate: invalid digit found in string")
        if sample_rate not in FLUX_SAMPLE_RATES:
            return _bad(rid, f"sample_rate {sample_rate} is not supported")
    if encoding is not None and sample_rate is None:
        # Raw audio needs both (§2.1); refusing at the handshake is our choice (unverified).
        return _bad(rid, "sample_rate is required when encoding is set")
    params = FluxParams(model=model, encoding=encoding, sample_rate=sample_rate)
    for name in ("eot_threshold", "eager_eot_threshold"):
        value = _float(query, name)
        if isinstance(value, str):
            return _bad(rid, value)
        if value is not None:
            setattr(params, name, value)
    if "eot_timeout_ms" in query:
        try:
            params.eot_timeout_ms = int(query["eot_timeout_ms"])
        except ValueError:
            return _bad(rid, "eot_timeout_ms: invalid digit found in string")
    problem = threshold_problem(params, knobs, timeout_max=knobs.eot_timeout_max_ms)
    if problem:
        return _bad(rid, problem)
    params.keyterms = query.getall("keyterm", [])
    for term in params.keyterms:
        head, _, weight = term.rpartition(":")
        if head and weight.replace(".", "", 1).isdigit():
            # `keyterm=term:0.15` is invalid: no weights on keyterms (AAS `ListenV2Keyterm`).
            return _bad(rid, f"keyterm `{term}` must not carry a weight")
    hints = query.getall("language_hint", [])
    if hints and not params.multi:
        return _bad(rid, "language_hint is only supported with flux-general-multi")  # skills: → 400
    if any(not h.strip() for h in hints):
        return _bad(rid, "language_hint must not be empty")
    params.language_hints = hints
    for name in ("profanity_filter", "numerals", "mip_opt_out"):
        if name in query and query[name].lower() not in ("true", "false"):
            return _bad(rid, f"invalid value for `{name}`: provided string was not `true` or `false`")
    params.numerals = query.get("numerals", "false").lower() == "true"
    redact = query.get("redact")
    if redact is not None and redact not in ("numbers", "aggressive_numbers"):
        return _bad(rid, f"unknown variant `{redact}`, expected `numbers` or `aggressive_numbers`")  # skills CL
    return params
