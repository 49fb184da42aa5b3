"""Celery's filesystem broker (the embedded default), safe with several writers.

kombu's filesystem transport writes each message straight into the queue folder, so a worker
listing the folder can read a message that is still being written, fail to decode it and stop
(celery/kombu#1551). Here a message is written under a name no reader takes, then renamed into
place: a rename within one folder is atomic, so a reader sees a whole message or none. And a
message that cannot be decoded anyway (written by a process killed half-way, before this
transport) is dropped with an error in the log instead of stopping the worker: messages only
wake workers, and the reaper sends new ones for whatever waits in the database.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from queue import Empty
from time import monotonic_ns

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

ALIAS = "filesystem"
STAMP_DIGITS = 20  # nanoseconds of monotonic time: 3,000 years before the width grows
_last_stamp = 0
_stamp_lock = threading.Lock()


def _next_stamp() -> int:
    """A fixed-width, strictly increasing stamp: kombu reads the folder in name order.

    An unpadded stamp would sort 10000 before 9999 (and so depend on the machine's uptime); two
    messages sent within one clock tick must still keep the order they were sent in.
    """
    global _last_stamp
    with _stamp_lock:
        _last_stamp = max(monotonic_ns(), _last_stamp + 1)
        return _last_stamp


log = logging.getLogger(__name__)


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{_next_stamp():0{STAMP_DIGITS}d}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # Readers take only "<stamp>_<uuid>.<queue>.msg"; a leading dot hides this one.
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue):
        while True:
            try:
                return super()._get(queue)
            except ValueError:  # JSON that does not decode; the file is already taken away
                log.error("dropped an unreadable message from the broker queue %r", queue)
            except Empty:
                raise


class Transport(filesystem.Transport):
    Channel = Channel


def use_atomic_filesystem_transport() -> None:
    """Make ``filesystem://`` broker URLs use this transport in this process."""
    TRANSPORT_ALIASES[ALIAS] = f"{__name__}:Transport"
