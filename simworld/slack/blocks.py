"""Block Kit validation, strict enough to fail like Slack does (reference §7).

Slack answers `invalid_blocks` with `response_metadata.messages` such as
`[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]`; the messages here
follow that form. Plain dict blocks are not checked by slack_sdk, so this is where a bot's
oversized section or duplicate block_id is caught.

Limits come from the Block Kit reference and slack_sdk's model classes. Unknown extra keys are
accepted (being stricter than Slack would produce false failures); unknown block and element types
are rejected.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
#: Total size of the serialized `blocks` above which Slack answers `msg_blocks_too_long`.
#: UNVERIFIED: the cap is undocumented; ~13k characters is what users report (bolt-js#2509).
MAX_BLOCKS_CHARS = 13_000
MAX_TEXT_CHARS = 40_000
#: A Slack file object's `id` (the pattern Slack's `invalid_blocks` message quotes).
SLACK_FILE_ID = re.compile(r"^[F][A-Z0-9]{8,}$")

BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)

_SELECTS = frozenset(
    {
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)
ACTIONS_ELEMENTS = _SELECTS | {
    "button",
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "overflow",
    "radio_buttons",
    "timepicker",
    "workflow_button",
    "rich_text_input",
    "feedback_buttons",
    "icon_button",
}
ACCESSORY_ELEMENTS = _SELECTS | {
    "button",
    "checkboxes",
    "datepicker",
    "image",
    "overflow",
    "radio_buttons",
    "timepicker",
    "workflow_button",
}
INPUT_ELEMENTS = _SELECTS | {
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "email_text_input",
    "file_input",
    "number_input",
    "plain_text_input",
    "radio_buttons",
    "rich_text_input",
    "timepicker",
    "url_text_input",
}


def parse_blocks(raw: Any) -> tuple[list[Any] | None, bool]:
    """Decode a `blocks` argument (JSON string from a form, or a list from a JSON body).

    Returns `(blocks, ok)`; `ok` is False when it is not a JSON array (`invalid_blocks_format`).
    An empty string or null means "no blocks".
    """
    if raw is None or raw == "":
        return None, True
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            return None, False
    if not isinstance(value, list):
        return None, False
    return value, True


def blocks_size(blocks: list[Any]) -> int:
    """Size of the blocks as compact JSON, the measure used for `msg_blocks_too_long`."""
    return len(json.dumps(blocks, separators=(",", ":"), ensure_ascii=False))


class _Checker:
    def __init__(self, root: str) -> None:
        self.root = root
        self.errors: list[str] = []

    def err(self, msg: str, path: str) -> None:
        self.errors.append(f"[ERROR] {msg} [json-pointer:{path}]")

    def text_obj(
        self,
        obj: Any,
        path: str,
        *,
        max_len: int,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.err("missing required field: text", path)
            return
        if not isinstance(obj, dict):
            self.err("must provide an object", path)
            return
        kind = obj.get("type")
        allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
        if kind not in allowed:
            self.err(f"must be one of {' or '.join(allowed)}", f"{path}/type")
        text = obj.get("text")
        if not isinstance(text, str):
            self.err("must provide a string", f"{path}/text")
            return
        if len(text) < 1:
            self.err("must be more than 0 characters", f"{path}/text")
        if len(text) > max_len:
            self.err(f"must be less than {max_len + 1} characters", f"{path}/text")
        if kind == "mrkdwn" and "emoji" in obj:
            self.err("unsupported field for mrkdwn: emoji", f"{path}/emoji")

    def string(self, value: Any, path: str, *, max_len: int, required: bool = False) -> None:
        if value is None:
            if required:
                self.err("missing required field", path)
            return
        if not isinstance(value, str):
            self.err("must provide a string", path)
            return
        if required and not value:
            self.err("must be more than 0 characters", path)
        if len(value) > max_len:
            self.err(f"must be less than {max_len + 1} characters", path)

    def image_source(self, obj: dict[str, Any], path: str) -> None:
        """An image block or element: exactly one of `image_url` or `slack_file`, and a well-formed one.

        A Slack file object is `{"id": "F…"}` or `{"url": …}`, never both (Block Kit, "Slack file
        object"); the id's pattern is the one Slack quotes (python-slack-sdk#1521). Whether the file
        exists and may be shown is `file_refs`' business. UNVERIFIED: the wording for both or neither.
        """
        has_url, has_file = "image_url" in obj, "slack_file" in obj
        if not has_url and not has_file:
            self.err("missing required field: image_url", path)
        if has_url and has_file:
            self.err("must provide exactly one of image_url or slack_file", path)
        self.string(obj.get("image_url"), f"{path}/image_url", max_len=3000)
        if not has_file:
            return
        ref = obj["slack_file"]
        if not isinstance(ref, dict):
            self.err("must provide an object", f"{path}/slack_file")
            return
        if ("id" in ref) == ("url" in ref):
            self.err("must provide exactly one of id or url", f"{path}/slack_file")
        if "id" in ref and not (isinstance(ref["id"], str) and SLACK_FILE_ID.match(ref["id"])):
            self.err(f"input must match regex pattern: {SLACK_FILE_ID.pattern}", f"{path}/slack_file/id")
        if "url" in ref:
            self.string(ref["url"], f"{path}/slack_file/url", max_len=3000, required=True)

    def options(self, opts: Any, path: str, *, max_items: int, min_items: int = 1) -> None:
        if not isinstance(opts, list):
            self.err("must provide an array", path)
            return
        if len(opts) < min_items:
            self.err(f"must provide at least {min_items} items", path)
        if len(opts) > max_items:
            self.err(f"must provide no more than {max_items} items", path)
        for i, o in enumerate(opts):
            p = f"{path}/{i}"
            if not isinstance(o, dict):
                self.err("must provide an object", p)
                continue
            self.text_obj(o.get("text"), f"{p}/text", max_len=75)
            self.string(o.get("value"), f"{p}/value", max_len=150)

    def element(self, el: Any, path: str, allowed: frozenset[str], action_ids: set[str]) -> None:
        if not isinstance(el, dict):
            self.err("must provide an object", path)
            return
        kind = el.get("type")
        if kind not in allowed:
            self.err(f"unsupported type: {kind}", f"{path}/type")
            return
        action_id = el.get("action_id")
        if action_id is not None:
            self.string(action_id, f"{path}/action_id", max_len=255)
            if isinstance(action_id, str):
                # Block Kit: "should be unique among all other action_ids in the containing block".
                if action_id in action_ids:
                    self.err(f"duplicate action_id: {action_id}", f"{path}/action_id")
                action_ids.add(action_id)
        if kind == "button":
            self.text_obj(el.get("text"), f"{path}/text", max_len=75, plain_only=True)
            self.string(el.get("value"), f"{path}/value", max_len=2000)
            self.string(el.get("url"), f"{path}/url", max_len=3000)
            style = el.get("style")
            if style is not None and style not in ("primary", "danger"):
                self.err("must be one of primary or danger", f"{path}/style")
        elif kind == "image":
            self.image_source(el, path)
            self.string(el.get("alt_text"), f"{path}/alt_text", max_len=2000, required=True)
        elif kind == "overflow":
            self.options(el.get("options"), f"{path}/options", max_items=5, min_items=1)
        elif kind in ("static_select", "multi_static_select"):
            if "options" in el:
                self.options(el.get("options"), f"{path}/options", max_items=100)
            elif "option_groups" not in el:
                self.err("missing required field: options", path)
        elif kind in ("checkboxes", "radio_buttons"):
            self.options(el.get("options"), f"{path}/options", max_items=10)
        if kind in _SELECTS and "placeholder" in el:
            self.text_obj(el.get("placeholder"), f"{path}/placeholder", max_len=150, plain_only=True)

    def block(self, block: Any, path: str, block_ids: set[str]) -> None:
        if not isinstance(block, dict):
            self.err("must provide an object", path)
            return
        kind = block.get("type")
        if not isinstance(kind, str) or kind not in BLOCK_TYPES:
            self.err(f"unsupported type: {kind}", f"{path}/type")
            return
        block_id = block.get("block_id")
        if block_id is not None:
            self.string(block_id, f"{path}/block_id", max_len=255)
            if isinstance(block_id, str):
                if block_id in block_ids:
                    self.err(f"duplicate block_id: {block_id}", f"{path}/block_id")
                block_ids.add(block_id)
        action_ids: set[str] = set()
        if kind == "section":
            has_text = "text" in block
            fields = block.get("fields")
            if not has_text and fields is None:
                self.err("must provide either text or fields", path)
            if has_text:
                self.text_obj(block.get("text"), f"{path}/text", max_len=3000)
            if fields is not None:
                if not isinstance(fields, list):
                    self.err("must provide an array", f"{path}/fields")
                else:
                    if len(fields) > 10:
                        self.err("must provide no more than 10 items", f"{path}/fields")
                    for i, f in enumerate(fields):
                        self.text_obj(f, f"{path}/fields/{i}", max_len=2000)
            if "accessory" in block:
                self.element(block["accessory"], f"{path}/accessory", ACCESSORY_ELEMENTS, action_ids)
        elif kind == "header":
            self.text_obj(block.get("text"), f"{path}/text", max_len=150, plain_only=True)
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not elements:
                self.err("must provide at least 1 items", f"{path}/elements")
                return
            if len(elements) > 10:
                self.err("must provide no more than 10 items", f"{path}/elements")
            for i, el in enumerate(elements):
                p = f"{path}/elements/{i}"
                if isinstance(el, dict) and el.get("type") == "image":
                    self.element(el, p, frozenset({"image"}), action_ids)
                else:
                    self.text_obj(el, p, max_len=3000)
        elif kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not elements:
                self.err("must provide at least 1 items", f"{path}/elements")
                return
            if len(elements) > 25:
                self.err("must provide no more than 25 items", f"{path}/elements")
            for i, el in enumerate(elements):
                self.element(el, f"{path}/elements/{i}", ACTIONS_ELEMENTS, action_ids)
        elif kind == "image":
            self.image_source(block, path)
            self.string(block.get("alt_text"), f"{path}/alt_text", max_len=2000, required=True)
            if "title" in block:
                self.text_obj(block.get("title"), f"{path}/title", max_len=2000, plain_only=True)
        elif kind == "markdown":
            self.string(block.get("text"), f"{path}/text", max_len=12_000, required=True)
        elif kind == "rich_text":
            if not isinstance(block.get("elements"), list):
                self.err("must provide an array", f"{path}/elements")
        elif kind == "input":
            self.text_obj(block.get("label"), f"{path}/label", max_len=2000, plain_only=True)
            self.element(block.get("element"), f"{path}/element", INPUT_ELEMENTS, action_ids)
        elif kind == "video":
            for key in ("alt_text", "thumbnail_url", "video_url"):
                self.string(block.get(key), f"{path}/{key}", max_len=3000, required=True)
            self.text_obj(block.get("title"), f"{path}/title", max_len=200, plain_only=True)
        elif kind == "file":
            self.string(block.get("external_id"), f"{path}/external_id", max_len=255, required=True)
        elif kind == "table" and not isinstance(block.get("rows"), list):
            self.err("must provide an array", f"{path}/rows")


def validate_blocks(blocks: list[Any], *, max_blocks: int = MAX_MESSAGE_BLOCKS, root: str = "/blocks") -> list[str]:
    """Check a decoded blocks array; returns Slack-style error messages (empty when valid)."""
    checker = _Checker(root)
    if len(blocks) > max_blocks:
        checker.err(f"must provide no more than {max_blocks} items", root)
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        checker.block(block, f"{root}/{i}", block_ids)
    return checker.errors
