"""The stateful model of one Slack workspace: users, conversations, membership, messages, files.

The Web API, the response_url endpoints and the driver all read and write this model, so a test
can set up a world (`add_user`, `add_channel`), let the bot act on it, and inspect the result
(`Channel.messages`, `File.content`).
"""

from __future__ import annotations

import datetime
import mimetypes
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from simworld.slack.ids import IdFactory, TsClock
from simworld.slack.usergroups import UserGroup

ChannelKind = Literal["public", "private", "im", "mpim"]

#: The bot scopes Deepgram Doctor's manifest asks for (reference §8).
DEFAULT_BOT_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "chat:write.public",
    "channels:join",
    "files:write",
    "im:history",
    "im:read",
    "im:write",
)

SLACKBOT_ID = "USLACKBOT"
#: The file types an image block's `slack_file` may reference.
IMAGE_FILETYPES = frozenset({"png", "jpg", "jpeg", "gif"})


@dataclass
class User:
    """A workspace member (human or bot)."""

    id: str
    name: str
    team_id: str
    real_name: str = ""
    tz: str = "Europe/Paris"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    bot_id: str | None = None
    app_id: str | None = None

    def tz_offset(self, now: float) -> int:
        """UTC offset of the user's time zone in seconds, at time `now`."""
        try:
            zone = ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return 0
        offset = datetime.datetime.fromtimestamp(now, zone).utcoffset()
        return int(offset.total_seconds()) if offset is not None else 0

    def tz_label(self, now: float) -> str:
        try:
            zone = ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return "Coordinated Universal Time"
        return datetime.datetime.fromtimestamp(now, zone).tzname() or self.tz

    def to_api(self, now: float) -> dict[str, Any]:
        """The `user` object of `users.info` (keys as in the java-slack-sdk sample)."""
        real = self.real_name or self.name
        first, _, last = real.partition(" ")
        profile: dict[str, Any] = {
            "title": "",
            "phone": "",
            "skype": "",
            "real_name": real,
            "real_name_normalized": real,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "status_text": "",
            "status_emoji": "",
            "status_expiration": 0,
            "avatar_hash": "g0000000000a",
            "first_name": first,
            "last_name": last,
            "image_24": "https://secure.gravatar.com/avatar/0.jpg?s=24",
            "image_32": "https://secure.gravatar.com/avatar/0.jpg?s=32",
            "image_48": "https://secure.gravatar.com/avatar/0.jpg?s=48",
            "image_72": "https://secure.gravatar.com/avatar/0.jpg?s=72",
            "image_192": "https://secure.gravatar.com/avatar/0.jpg?s=192",
            "image_512": "https://secure.gravatar.com/avatar/0.jpg?s=512",
            "team": self.team_id,
        }
        if self.is_bot:
            profile["bot_id"] = self.bot_id
            profile["api_app_id"] = self.app_id
            profile["always_active"] = True
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "color": "9f69e7",
            "real_name": real,
            "tz": self.tz,
            "tz_label": self.tz_label(now),
            "tz_offset": self.tz_offset(now),
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
            "is_email_confirmed": not self.is_bot,
            "who_can_share_contact_card": "EVERYONE",
        }


@dataclass
class Message:
    """A message stored in a conversation (bot posts, user messages, file shares, joins).

    `history` keeps every previous version after `chat.update` / `replace_original`.
    """

    channel: str
    ts: str
    text: str
    user: str | None
    team: str
    bot_id: str | None = None
    app_id: str | None = None
    blocks: list[Any] | None = None
    attachments: list[Any] | None = None
    metadata: dict[str, Any] | None = None
    thread_ts: str | None = None
    parent_user_id: str | None = None
    subtype: str | None = None
    files: list[str] = field(default_factory=list)
    reply_count: int = 0
    reply_users: list[str] = field(default_factory=list)
    latest_reply: str | None = None
    reply_broadcast: bool = False
    client_msg_id: str | None = None
    edited: dict[str, str] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    source: str = "chat.postMessage"

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def snapshot(self) -> dict[str, Any]:
        """The editable content, for `history`."""
        return {
            "text": self.text,
            "blocks": self.blocks,
            "attachments": self.attachments,
            "metadata": self.metadata,
            "edited": self.edited,
        }


@dataclass
class Channel:
    """A conversation: public or private channel, a DM (`im`) or a group DM (`mpim`)."""

    id: str
    name: str
    kind: ChannelKind
    created: int
    creator: str
    members: set[str] = field(default_factory=set)
    archived: bool = False
    is_general: bool = False
    #: For an `im`: the human on the other side (the DM with the bot, or with Slackbot).
    im_user: str | None = None
    messages: list[Message] = field(default_factory=list)
    topic: str = ""
    purpose: str = ""

    def is_member(self, user_id: str) -> bool:
        return user_id in self.members

    def visible(self) -> list[Message]:
        """Messages that still exist, oldest first (thread replies included)."""
        return [m for m in self.messages if not m.deleted]

    def find(self, ts: str) -> Message | None:
        for m in self.messages:
            if m.ts == ts and not m.deleted:
                return m
        return None

    def to_api(self, bot_user_id: str, team_id: str, now: float, *, num_members: bool = False) -> dict[str, Any]:
        """The `channel` object of `conversations.info` / `conversations.join`."""
        if self.kind == "im":
            return {
                "id": self.id,
                "created": self.created,
                "is_archived": self.archived,
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": team_id,
                "updated": self.created * 1000,
                "user": self.im_user,
                "priority": 0,
                "last_read": "0000000000.000000",
                "is_open": True,
            }
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "is_channel": self.kind == "public",
            "is_group": self.kind == "private",
            "is_im": False,
            "is_mpim": self.kind == "mpim",
            "is_private": self.kind != "public",
            "created": self.created,
            "is_archived": self.archived,
            "is_general": self.is_general,
            "unlinked": 0,
            "name_normalized": self.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": team_id,
            "updated": self.created * 1000,
            "creator": self.creator,
            "is_ext_shared": False,
            "shared_team_ids": [team_id],
            "pending_connected_team_ids": [],
            "is_member": self.is_member(bot_user_id),
            "last_read": "0000000000.000000",
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": self.purpose, "creator": "", "last_set": 0},
            "previous_names": [],
        }
        if num_members:
            data["num_members"] = len(self.members)
        return data


@dataclass
class FileShare:
    """Where a file was shared: the channel, the share message's ts, and the thread if any."""

    channel: str
    ts: str
    thread_ts: str | None = None


@dataclass
class File:
    """A file created by `files.getUploadURLExternal`; bytes arrive at the upload URL."""

    id: str
    name: str
    title: str
    length: int
    user: str
    created: int
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None
    completed: bool = False
    #: When files.completeUploadExternal finished it (the fake's clock).
    completed_at: float | None = None
    initial_comment: str | None = None
    shares: list[FileShare] = field(default_factory=list)

    @property
    def uploaded(self) -> bool:
        return self.content is not None

    @property
    def is_image(self) -> bool:
        """What an image block's `slack_file` may show: png, jpg, jpeg or gif (Block Kit, "Slack file object")."""
        return self.filetype in IMAGE_FILETYPES

    def url_private(self, team_id: str) -> str:
        return f"https://files.slack.com/files-pri/{team_id}-{self.id}/{self.name}"

    def permalink(self, team_domain: str) -> str:
        return f"https://{team_domain}.slack.com/files/{self.user}/{self.id}/{self.name}"

    @property
    def filetype(self) -> str:
        _, dot, ext = self.name.rpartition(".")
        return ext.lower() if dot else "binary"

    @property
    def mimetype(self) -> str:
        guessed, _ = mimetypes.guess_type(self.name)
        return guessed or "application/octet-stream"

    def to_api(self, team_id: str, team_domain: str, *, with_shares: bool) -> dict[str, Any]:
        """The file object of `files.completeUploadExternal` (keys as in the java sample)."""
        url = self.url_private(team_id)
        channels = sorted({s.channel for s in self.shares}) if with_shares else []
        data: dict[str, Any] = {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title,
            "mimetype": self.mimetype,
            "filetype": self.filetype,
            "pretty_type": self.filetype.upper(),
            "user": self.user,
            "user_team": team_id,
            "editable": False,
            "size": self.length,
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": False,
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": url,
            "url_private_download": url.replace("files-pri", "files-pri/download", 1),
            "permalink": self.permalink(team_domain),
            "permalink_public": f"https://slack-files.com/{team_id}-{self.id}-0000000000",
            "comments_count": 0,
            "is_starred": False,
            "shares": {},
            "channels": channels,
            "groups": [],
            "ims": [],
            "has_more_shares": False,
            "has_rich_preview": False,
            "file_access": "visible",
        }
        if self.alt_txt is not None:
            data["alt_txt"] = self.alt_txt
        if with_shares and self.shares:
            public: dict[str, list[dict[str, Any]]] = {}
            for s in self.shares:
                entry: dict[str, Any] = {"ts": s.ts, "channel_name": "", "team_id": team_id}
                if s.thread_ts:
                    entry["thread_ts"] = s.thread_ts
                public.setdefault(s.channel, []).append(entry)
            data["shares"] = {"public": public}
        return data


class Workspace:
    """One workspace with its bot installation, users, conversations and files."""

    def __init__(self, ids: IdFactory, clock: Callable[[], float]) -> None:
        self._ids = ids
        self._clock = clock
        self.ts_clock = TsClock(clock)
        self.team_id = ids.slack_id("T")
        self.team_name = "Simworld Acme"
        self.team_domain = "simworld-acme"
        #: Set both to make slash commands and events carry enterprise fields (Enterprise Grid).
        self.enterprise_id: str | None = None
        self.enterprise_name: str | None = None
        self.app_id = ids.slack_id("A")
        self.app_name = "Deepgram Doctor"
        self.bot_id = ids.slack_id("B")
        self.bot_scopes: set[str] = set(DEFAULT_BOT_SCOPES)
        #: Bot events the app subscribes to: decides which fake-originated events are delivered.
        self.bot_events: set[str] = {"app_home_opened", "message.im"}
        #: `views.publish` answers `not_enabled` when False (manifest `home_tab_enabled`).
        self.home_tab_enabled = True
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.files: dict[str, File] = {}
        #: Seconds after files.completeUploadExternal during which a file is still being processed and an
        #: image block cannot show it yet (real Slack shares asynchronously; 0: ready at once).
        self.file_processing_seconds = 0.0
        #: User groups (`@oncall`) by id (`add_usergroup`).
        self.usergroups: dict[str, UserGroup] = {}
        #: Published Home tabs by user id (the `view` object returned by views.publish).
        self.home_views: dict[str, dict[str, Any]] = {}

        self.users[SLACKBOT_ID] = User(SLACKBOT_ID, "slackbot", self.team_id, "Slackbot", is_bot=True)
        self.bot_user = self._new_user("deepgram-doctor", real_name="Deepgram Doctor", is_bot=True)
        self.bot_user.bot_id = self.bot_id
        self.bot_user.app_id = self.app_id
        self.default_user = self.add_user("alice", real_name="Alice Martin")
        self.default_channel = self.add_channel("general", kind="public", members=(self.default_user,), bot_member=True)
        self.default_channel.is_general = True

    @property
    def bot_user_id(self) -> str:
        return self.bot_user.id

    def now(self) -> float:
        return self._clock()

    # -- users -----------------------------------------------------------------------------------

    def _new_user(self, name: str, **kwargs: Any) -> User:
        user = User(self._ids.slack_id("U"), name, self.team_id, **kwargs)
        self.users[user.id] = user
        return user

    def add_user(
        self,
        name: str,
        *,
        is_admin: bool = False,
        tz: str = "Europe/Paris",
        real_name: str = "",
        is_bot: bool = False,
        is_owner: bool = False,
    ) -> User:
        """Add a member; like Slack, humans join the #general channel (once it exists)."""
        user = self._new_user(name, real_name=real_name, tz=tz, is_admin=is_admin, is_bot=is_bot, is_owner=is_owner)
        general = next((c for c in self.channels.values() if c.is_general), None)
        if general is not None and not is_bot:
            general.members.add(user.id)
        return user

    def user(self, user_id: str) -> User | None:
        return self.users.get(user_id)

    def user_by_name(self, name: str) -> User | None:
        """The member whose name is `name` (`@` optional), deactivated ones included."""
        name = name.lstrip("@")
        return next((u for u in self.users.values() if u.name == name), None)

    # -- user groups -------------------------------------------------------------------------------

    def add_usergroup(
        self, handle: str, *, name: str = "", users: Iterable[User | str] = (), disabled: bool = False
    ) -> UserGroup:
        """A user group people mention as `@handle`; `disabled=True` as after `usergroups.disable`."""
        now = int(self._clock())
        group = UserGroup(
            id=self._ids.slack_id("S"),
            handle=handle.lstrip("@"),
            name=name or handle.lstrip("@"),
            team_id=self.team_id,
            created_by=self.default_user.id,
            created=now,
            users=[u.id if isinstance(u, User) else u for u in users],
            disabled_at=now if disabled else 0,
        )
        self.usergroups[group.id] = group
        return group

    def usergroup_by_handle(self, handle: str) -> UserGroup | None:
        handle = handle.lstrip("@")
        return next((g for g in self.usergroups.values() if g.handle == handle), None)

    # -- conversations ----------------------------------------------------------------------------

    def add_channel(
        self,
        name: str,
        *,
        kind: ChannelKind = "public",
        members: Iterable[User | str] = (),
        bot_member: bool = True,
        archived: bool = False,
        id: str | None = None,
    ) -> Channel:
        """Create a conversation.

        `kind="im"` with one human and `bot_member=True` is the app's own DM (App Home Messages
        tab); with two humans and `bot_member=False` it is a user-to-user DM the bot cannot see.
        Private channels get a `C…` id like modern Slack; pass `id="G…"` for a legacy one.
        """
        member_ids = {m.id if isinstance(m, User) else m for m in members}
        if bot_member:
            member_ids.add(self.bot_user_id)
        if id is None:
            prefix = {"public": "C", "private": "C", "im": "D", "mpim": "C"}[kind]
            id = self._ids.slack_id(prefix)
        humans = sorted(m for m in member_ids if m != self.bot_user_id)
        channel = Channel(
            id=id,
            name=name if kind != "im" else (name or (humans[0] if humans else "")),
            kind=kind,
            created=int(self._clock()),
            creator=humans[0] if humans else self.bot_user_id,
            members=member_ids,
            archived=archived,
            im_user=(humans[0] if humans else None) if kind == "im" else None,
        )
        self.channels[channel.id] = channel
        return channel

    def channel(self, channel_id: str) -> Channel | None:
        return self.channels.get(channel_id)

    def channel_by_name(self, name: str) -> Channel | None:
        name = name.lstrip("#")
        for c in self.channels.values():
            if c.kind in ("public", "private") and c.name == name:
                return c
        return None

    def app_dm(self, user_id: str, *, create: bool = True) -> Channel | None:
        """The DM between the bot and `user_id` (App Home Messages tab), created on demand."""
        for c in self.channels.values():
            if c.kind == "im" and c.im_user == user_id and self.bot_user_id in c.members:
                return c
        if not create:
            return None
        return self.add_channel("", kind="im", members=(user_id,), bot_member=True)

    def slackbot_dm(self, user_id: str) -> Channel:
        """The user's DM with Slackbot, where a bot's post to a `U…` id lands (reference §1.4)."""
        for c in self.channels.values():
            if c.kind == "im" and c.im_user == user_id and SLACKBOT_ID in c.members:
                return c
        return self.add_channel("", kind="im", members=(user_id, SLACKBOT_ID), bot_member=False)

    def is_app_dm(self, channel: Channel) -> bool:
        return channel.kind == "im" and self.bot_user_id in channel.members

    # -- messages ---------------------------------------------------------------------------------

    def add_message(
        self,
        channel: Channel,
        *,
        text: str,
        user: str | None,
        bot: bool = False,
        blocks: list[Any] | None = None,
        attachments: list[Any] | None = None,
        metadata: dict[str, Any] | None = None,
        thread_ts: str | None = None,
        subtype: str | None = None,
        files: list[str] | None = None,
        reply_broadcast: bool = False,
        client_msg_id: str | None = None,
        source: str = "chat.postMessage",
    ) -> Message:
        """Store a new message with a fresh `ts`; thread replies update their parent's counters."""
        ts = self.ts_clock.next()
        parent = channel.find(thread_ts) if thread_ts else None
        if parent is not None and parent.is_reply:
            # Replying to a reply lands in the same thread: Slack uses the thread's root.
            parent = channel.find(parent.thread_ts or "")
        message = Message(
            channel=channel.id,
            ts=ts,
            text=text,
            user=user,
            team=self.team_id,
            bot_id=self.bot_id if bot else None,
            app_id=self.app_id if bot else None,
            blocks=blocks,
            attachments=attachments,
            metadata=metadata,
            thread_ts=parent.ts if parent is not None else None,
            parent_user_id=parent.user if parent is not None else None,
            subtype=subtype,
            files=list(files or []),
            reply_broadcast=reply_broadcast,
            client_msg_id=client_msg_id,
            source=source,
        )
        if parent is not None:
            parent.thread_ts = parent.ts
            parent.reply_count += 1
            parent.latest_reply = ts
            if user and user not in parent.reply_users:
                parent.reply_users.append(user)
        channel.messages.append(message)
        return message

    def message_to_api(self, m: Message, *, include_metadata: bool = True) -> dict[str, Any]:
        """A message as the Web API and Events API show it."""
        data: dict[str, Any] = {"type": "message"}
        if m.subtype:
            data["subtype"] = m.subtype
        data["text"] = m.text
        if m.user:
            data["user"] = m.user
        data["ts"] = m.ts
        data["team"] = m.team
        if m.bot_id:
            data["bot_id"] = m.bot_id
            data["app_id"] = m.app_id
            data["bot_profile"] = self.bot_profile()
        if m.client_msg_id:
            data["client_msg_id"] = m.client_msg_id
        if m.blocks is not None:
            data["blocks"] = m.blocks
        if m.attachments is not None:
            data["attachments"] = m.attachments
        if m.files:
            data["files"] = [
                self.files[f].to_api(self.team_id, self.team_domain, with_shares=False)
                for f in m.files
                if f in self.files
            ]
            data["upload"] = True
            data["display_as_bot"] = False
        if m.thread_ts:
            data["thread_ts"] = m.thread_ts
        if m.is_reply and m.parent_user_id:
            data["parent_user_id"] = m.parent_user_id
        if m.reply_count:
            data["reply_count"] = m.reply_count
            data["reply_users_count"] = len(m.reply_users)
            data["reply_users"] = list(m.reply_users)
            data["latest_reply"] = m.latest_reply
            data["is_locked"] = False
            data["subscribed"] = False
        if m.edited:
            data["edited"] = dict(m.edited)
        if include_metadata and m.metadata is not None:
            data["metadata"] = m.metadata
        return data

    def bot_profile(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "deleted": False,
            "name": self.bot_user.real_name or self.bot_user.name,
            "updated": 1700000000,
            "app_id": self.app_id,
            "icons": {
                "image_36": "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png",
                "image_48": "https://a.slack-edge.com/80588/img/plugins/app/bot_48.png",
                "image_72": "https://a.slack-edge.com/80588/img/plugins/app/service_72.png",
            },
            "team_id": self.team_id,
        }

    # -- files --------------------------------------------------------------------------------------

    def new_file(
        self, name: str, length: int, *, alt_txt: str | None, snippet_type: str | None, user: str | None = None
    ) -> File:
        """A file being uploaded, by the bot unless `user` says who (a test's file from a person)."""
        f = File(
            id=self._ids.slack_id("F"),
            name=name,
            title=name,
            length=length,
            user=user or self.bot_user_id,
            created=int(self._clock()),
            alt_txt=alt_txt,
            snippet_type=snippet_type,
        )
        self.files[f.id] = f
        return f

    def file_by_url(self, url: str) -> File | None:
        """The file whose `url_private` or `permalink` is `url`."""
        return next(
            (f for f in self.files.values() if url in (f.url_private(self.team_id), f.permalink(self.team_domain))),
            None,
        )

    def can_view_file(self, user_id: str, file_id: str) -> bool:
        """Whether `user_id` (a person or the bot) can see the file: they uploaded it, or it is shared into a
        conversation they are a member of (their DM with the bot included). Slack shows an image block's
        `slack_file` only to such people."""
        f = self.files.get(file_id)
        if f is None or not f.completed:
            return False
        if f.user == user_id:
            return True
        return any((c := self.channels.get(s.channel)) is not None and c.is_member(user_id) for s in f.shares)
