"""Sharing an image the bot drew (the latency chart) so that the person who asked can see it.

Slack shows an `image` block whose `slack_file` names an uploaded file only to people who can access
that file, and only accepts the block from a poster who can (Block Kit, "Slack file object"). A file
uploaded through the v2 flow without a channel is the uploader's alone, so the image is shared into
the asker's DM with the bot (`bot.slack.files.open_dm`, scope `im:write`; the bot is always a member
of its own DMs), with its alt text (`alt_txt`), and the reply's image block then names it by id: the
asker sees it in the reply and keeps it in the DM. Nobody else is shown anything.

Every failure is an `UpstreamError` with words for the user (never the exception's text): a rate
limit says how long to wait, anything else names Slack's error code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UpstreamError
from bot.prose import clip
from bot.slack import messages
from bot.slack.files import open_dm
from bot.slack.membership import retry_after, shown_code, slack_error

__all__ = ["UPLOAD_ALT_MAX", "SharedImage", "share_image_in_dm"]

log = logging.getLogger(__name__)

#: `files.getUploadURLExternal` takes at most 1,000 characters of `alt_txt` (slack.md §5.1).
UPLOAD_ALT_MAX = 1000


@dataclass(frozen=True)
class SharedImage:
    """The uploaded file, and the DM it was shared in."""

    file_id: str
    channel_id: str


async def share_image_in_dm(
    client: AsyncWebClient,
    user_id: str,
    data: bytes,
    *,
    filename: str,
    title: str,
    alt_text: str,
    comment: str,
) -> SharedImage:
    """Upload `data` (a PNG) into `user_id`'s DM with the bot, with `comment`; returns the file's id."""
    dm = (await open_dm(client, user_id, refused=_refused)).channel_id
    try:
        uploaded = await client.files_upload_v2(
            channel=dm,
            content=data,
            filename=filename,
            title=title,
            alt_txt=clip(alt_text, UPLOAD_ALT_MAX),
            initial_comment=comment,
        )
    except SlackApiError as exc:
        error = slack_error(exc)
        log.warning("image not shared", extra={"user": user_id, "error": error})
        if (wait := retry_after(exc)) is not None:
            raise UpstreamError(messages.rate_limited(wait)) from None
        raise UpstreamError(_refused(error)) from None
    except SlackRequestError as exc:
        # The byte upload (step 2 of the v2 flow) failed: slack_sdk raises this, not SlackApiError.
        log.warning("image upload failed", extra={"user": user_id, "reason": str(exc)[:200]})
        raise UpstreamError("Slack did not take the image's bytes (`upload_failed`).") from None
    info = uploaded.get("file") or (uploaded.get("files") or [{}])[0]
    file_id = str(info.get("id") or "")
    if not file_id:
        raise UpstreamError("Slack took the image but did not say which file it is.")
    return SharedImage(file_id, dm)


def _refused(error: str) -> str:
    return f"Slack refused the upload (`{shown_code(error)}`)."
