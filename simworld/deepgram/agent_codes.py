"""Voice Agent `Error` / `Warning` codes and their descriptions (`deepgram-realtime.md` §1.7).

Descriptions marked [recorded] are verbatim captures; every other text is ours, written from the
meaning column of the reference (the real wording is unverified).
"""

from __future__ import annotations

ERRORS: dict[str, str] = {
    "INTERNAL_SERVER_ERROR": "An internal server error occurred.",
    # [recorded] deepgram/deepgram-js-sdk#419
    "CLIENT_MESSAGE_TIMEOUT": (
        "We waited too long for a websocket message. Please ensure that you're sending binary messages "
        "containing user speech."
    ),
    # [recorded] deepgram-devs/flask-agent-function-calling-demo#17
    "UNPARSABLE_CLIENT_MESSAGE": "Text message received from client did not match any of the formats we expect.",
    "NON_SETTINGS_MESSAGE_BEFORE_SETTINGS": "The first message sent must be a Settings message.",
    "SETTINGS_ALREADY_APPLIED": "Settings have already been applied to this session.",
    "INVALID_SETTINGS": "The Settings message contains invalid values.",
    "FAILED_TO_START_LISTENING": "Failed to start listening.",
    "ASR_CONNECTION_CLOSED": "The speech recognition connection closed unexpectedly.",
    "ASR_DRIVER_TIMEOUT": "Timed out waiting for a transcript.",
    "USER_AUDIO_FORMAT": "The audio received does not match the format declared in Settings.",
    "FAILED_TO_THINK": "Failed to get a response from the LLM after all retries and fallbacks.",
    "FAILED_TO_SPEAK": "Failed to synthesize speech after all retries and fallbacks.",
    "SERVER_GOING_AWAY": "The server is shutting down for maintenance. Please reconnect.",
    "NON_EXISTENT_FUNCTION_CALLED": "The LLM called a function that is not defined.",
    "AGENT_ID_NOT_SUPPORTED": "Agent configuration ids are not supported here.",
    "INVALID_AGENT_ID": "The agent configuration id is invalid or does not exist.",
    "MAXIMUM_SESSION_LENGTH_REACHED": "The maximum session length has been reached.",
}

WARNINGS: dict[str, str] = {
    "INJECT_AGENT_MESSAGE_DURING_USER_SPEECH": "InjectAgentMessage ignored: the user is speaking.",
    "INJECT_AGENT_MESSAGE_DURING_AGENT_SPEECH": "InjectAgentMessage ignored: the agent is speaking.",
    "PROMPT_TOO_LONG": "The prompt exceeds 25000 characters and was truncated.",
    "THINK_REQUEST_FAILED": "A think request failed.",
    "SPEAK_REQUEST_FAILED": "A speak request failed.",
    "FUNCTION_CALL_FAILED": "A function call failed.",
    # [recorded, third-party logs]; the fake substitutes the real elapsed seconds.
    "SLOW_THINK_REQUEST": "We have now waited {seconds} seconds for a think response.",
    "SLOW_SPEAK_REQUEST": "We have now waited {seconds} seconds for a speak response.",
    "GPT_4O_STREAM_END_ERROR": "gpt-4o did not send its final done message.",
    "MAXIMUM_SESSION_LENGTH_APPROACHING": "The maximum session length is approaching.",
    "FORCE_END_TURN_UNSUPPORTED": "ForceEndTurn needs a Flux (v2) listen provider.",
    # [recorded] jambonz/jambonz-feature-server#1178
    "API_CUTOVER_SOON": (
        "This early access API is going away. Please migrate to the v1 API at /v1/agent/converse before May 31st."
    ),
}

# [recorded] deepgram-starters/node-voice-agent PR #5
GREETING_UNPARSABLE = "Error parsing client message. Check the greeting field against the API spec."


def describe(code: str, *, warning: bool = False, seconds: float | None = None) -> str:
    """The description sent with `code` (an unknown code gets a generic sentence)."""
    text = (WARNINGS if warning else ERRORS).get(code)
    if text is None:
        return f"{'Warning' if warning else 'Error'}: {code}."
    return text.format(seconds=f"{seconds if seconds is not None else 5:g}")
