"""The embedded broker: messages written by many processes at once are read whole."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from kombu import Connection

from aileague.common.broker import STAMP_DIGITS, use_atomic_filesystem_transport

PAYLOAD = "x" * 200_000  # big enough that a write takes several system calls


def _options(folder: Path) -> dict:
    return {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "store_processed": False,
    }


def _send(folder: str, count: int) -> None:
    use_atomic_filesystem_transport()
    with Connection("filesystem://", transport_options=_options(Path(folder))) as connection:
        queue = connection.SimpleQueue("q")
        for i in range(count):
            queue.put({"i": i, "payload": PAYLOAD})
        queue.close()


def test_a_reader_never_sees_a_message_half_written(tmp_path):
    use_atomic_filesystem_transport()
    writers = [
        multiprocessing.get_context("spawn").Process(target=_send, args=(str(tmp_path), 100))
        for _ in range(3)
    ]
    for writer in writers:
        writer.start()
    received = 0
    with Connection("filesystem://", transport_options=_options(tmp_path)) as connection:
        queue = connection.SimpleQueue("q")
        while received < 300:
            message = queue.get(timeout=30)  # a half-written file would fail to decode here
            assert message.payload["payload"] == PAYLOAD
            message.ack()
            received += 1
        queue.close()
    for writer in writers:
        writer.join(timeout=30)
        assert writer.exitcode == 0
    assert not list(tmp_path.iterdir())  # no partial files left behind


def test_a_half_written_message_is_dropped_instead_of_stopping_the_reader(tmp_path, caplog):
    use_atomic_filesystem_transport()
    # A writer killed half-way, older than anything sent now, so the reader meets it first.
    (tmp_path / f"{'0' * STAMP_DIGITS}_abc.q.msg").write_text('{"body": "half')
    (tmp_path / ".2_def.q.msg.part").write_text('{"body": "half')  # one still being written
    with Connection("filesystem://", transport_options=_options(tmp_path)) as connection:
        queue = connection.SimpleQueue("q")
        queue.put({"whole": True})
        message = queue.get(timeout=5)
        assert message.payload == {"whole": True}
        message.ack()
        assert queue.qsize() == 0
        queue.close()
    assert "dropped an unreadable message" in caplog.text
    assert [path.name for path in tmp_path.iterdir()] == [".2_def.q.msg.part"]


def test_messages_are_named_so_that_name_order_is_sending_order(tmp_path):
    """kombu reads in name order; stamps of different widths would sort 10000 before 9999."""
    use_atomic_filesystem_transport()
    with Connection("filesystem://", transport_options=_options(tmp_path)) as connection:
        queue = connection.SimpleQueue("q")
        for i in range(5):
            queue.put({"i": i})
        stamps = [path.name.partition("_")[0] for path in tmp_path.iterdir()]
        assert {len(stamp) for stamp in stamps} == {STAMP_DIGITS}
        assert [queue.get(timeout=5).payload["i"] for _ in range(5)] == [0, 1, 2, 3, 4]
        queue.close()
