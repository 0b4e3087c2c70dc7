"""`slack_file` references in Block Kit (image blocks, image elements), checked against the workspace.

Block Kit's "Slack file object" is `{"id": "F…"}` or `{"url": <the file's url_private or permalink>}`,
exactly one of them (the shape is checked with the other limits in `blocks.py`). The file must be an
image (png, jpg, jpeg or gif), and "the user posting these blocks must have access to this file";
readers see it only if they can access it themselves (`Workspace.can_view_file`). Otherwise Slack
answers `invalid_blocks` with `invalid slack file [json-pointer:/blocks/0/slack_file]` (the wording
users quote, e.g. slackapi/python-slack-sdk#1658 and #1797). Slack processes an upload
asynchronously, and a file referenced right after its upload can be refused the same way
(slackapi/python-slack-sdk#1521): `Workspace.file_processing_seconds` plays that window.

Every place that takes blocks checks them here: chat.postMessage, chat.postEphemeral, chat.update,
views.publish, files.completeUploadExternal's `blocks`, and response_url messages.
"""

from __future__ import annotations

from typing import Any

from simworld.slack.workspace import File, Workspace

__all__ = ["file_problems", "image_file_ids", "slack_file_refs"]


def slack_file_refs(blocks: list[Any], root: str = "/blocks") -> list[tuple[str, Any]]:
    """Every `slack_file` in `blocks` with its JSON pointer: image blocks, section accessories, context images."""
    refs: list[tuple[str, Any]] = []
    for i, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        path = f"{root}/{i}"
        if "slack_file" in block:
            refs.append((f"{path}/slack_file", block["slack_file"]))
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and "slack_file" in accessory:
            refs.append((f"{path}/accessory/slack_file", accessory["slack_file"]))
        elements = block.get("elements")
        if block.get("type") == "context" and isinstance(elements, list):
            for j, element in enumerate(elements):
                if isinstance(element, dict) and "slack_file" in element:
                    refs.append((f"{path}/elements/{j}/slack_file", element["slack_file"]))
    return refs


def resolve(ws: Workspace, ref: Any) -> File | None:
    """The file a `slack_file` object names, by `id` or by `url` (url_private or permalink)."""
    if not isinstance(ref, dict):
        return None
    if isinstance(ref.get("id"), str):
        return ws.files.get(ref["id"])
    if isinstance(ref.get("url"), str):
        return ws.file_by_url(ref["url"])
    return None


def _showable(ws: Workspace, f: File | None, poster: str) -> bool:
    if f is None or not f.completed or not f.is_image or not ws.can_view_file(poster, f.id):
        return False
    ready_at = (f.completed_at or 0.0) + ws.file_processing_seconds
    return ws.now() >= ready_at


def file_problems(ws: Workspace, blocks: list[Any], *, poster: str, root: str = "/blocks") -> list[str]:
    """Slack-style `invalid_blocks` messages for `slack_file` references `poster` may not post."""
    return [
        f"[ERROR] invalid slack file [json-pointer:{path}]"
        for path, ref in slack_file_refs(blocks, root)
        if not _showable(ws, resolve(ws, ref), poster)
    ]


def image_file_ids(ws: Workspace, blocks: list[Any] | None) -> list[str]:
    """The ids of the files `blocks` show (for tests: who can see them? `Workspace.can_view_file`)."""
    found = [resolve(ws, ref) for _, ref in slack_file_refs(blocks or [])]
    return [f.id for f in found if f is not None]
