"""The Pinbridge schema. Migrations in `migrations/` are the source of truth for DDL;
these mappings must match them (a test compares the two)."""

from core.models.base import Base
from core.models.codes import FailedAttempt, Invite, LinkCode
from core.models.conversations import Conversation, Message, Participant, WithheldMessage
from core.models.digests import DigestSend, RuntimeState
from core.models.gestures import ActionKey, PendingReply
from core.models.outbox import Delivery, InboundEvent, Lane, MessageSource, RemoteMessage
from core.models.people import Account, Block, Follow, Person
from core.models.pins import Board, BoardPin, Picture, Pin, Upload

__all__ = [
    "Account", "ActionKey", "Base", "Block", "Board", "BoardPin", "Conversation", "Delivery",
    "DigestSend", "FailedAttempt", "Follow", "InboundEvent", "Invite", "Lane", "LinkCode", "Message",
    "MessageSource", "Participant", "PendingReply", "Person", "Picture", "Pin", "RemoteMessage", "RuntimeState", "Upload", "WithheldMessage",
]
