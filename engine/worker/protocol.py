"""How the app and its engine processes talk: JSON messages, never pickle.

A worker's channel is a stream socket; each message is a 4-byte big-endian
length and that many bytes of UTF-8 JSON. JSON can only ever become dicts,
lists, strings and numbers, so a compromised worker cannot make the app run
code by what it sends; ``engine.worker.codec`` then turns that plain data back
into the engine's result types, and nothing else.

The zygote's control channel is a sequenced-packet socket: one JSON object per
packet, with file descriptors (a new worker's socket and process handle) passed
beside it.
"""

from __future__ import annotations

import json
import socket
import struct
import time

HEADER = struct.Struct(">I")

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
"""Largest message either side accepts; a lesson's result is a few kilobytes."""

MAX_CONTROL_BYTES = 64 * 1024
"""Largest control packet (a fork request, a ready note)."""


class ProtocolError(Exception):
    """The other side sent something that is not a message of this protocol."""


class Timeout(Exception):
    """No complete message arrived before the deadline."""


def encode_message(message: object) -> bytes:
    """``message`` as one length-prefixed JSON frame.

    ASCII JSON, so text that is not valid UTF-8 (a lone surrogate from a bad paste)
    still crosses and is refused in words on the other side, not by the codec here.
    """
    data = json.dumps(message, separators=(",", ":"), ensure_ascii=True, allow_nan=True).encode("ascii")
    if len(data) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"a message of {len(data):,} bytes is over the limit of {MAX_MESSAGE_BYTES:,}")
    return HEADER.pack(len(data)) + data


def send(channel: socket.socket, message: object) -> None:
    """Write ``message`` to ``channel`` as one frame."""
    channel.sendall(encode_message(message))


def receive(channel: socket.socket, deadline: float | None = None) -> object:
    """Read one frame; ``deadline`` is a ``time.monotonic()`` value.

    Raises ``EOFError`` when the other side has gone, ``Timeout`` past the
    deadline, ``ProtocolError`` for a frame that is too big or not JSON.
    """
    (size,) = HEADER.unpack(_read_exactly(channel, HEADER.size, deadline))
    if size > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"a message of {size:,} bytes is over the limit of {MAX_MESSAGE_BYTES:,}")
    return parse(_read_exactly(channel, size, deadline))


def parse(data: bytes) -> object:
    """Plain data from JSON bytes, or ``ProtocolError``."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:
        raise ProtocolError(f"not a JSON message: {error}") from None


def _read_exactly(channel: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Timeout()
            channel.settimeout(remaining)
        else:
            channel.settimeout(None)
        try:
            chunk = channel.recv(min(size - len(chunks), 1 << 20))
        except TimeoutError:
            raise Timeout() from None
        except ConnectionResetError:
            raise EOFError() from None
        if not chunk:
            raise EOFError()
        chunks += chunk
    return bytes(chunks)


def send_control(channel: socket.socket, message: object, fds: tuple[int, ...] = ()) -> None:
    """Send one control packet, with ``fds`` passed beside it."""
    data = json.dumps(message).encode()
    if len(data) > MAX_CONTROL_BYTES:
        raise ProtocolError("a control message is over the size limit")
    if fds:
        socket.send_fds(channel, [data], list(fds))
    else:
        channel.send(data)


def receive_control(channel: socket.socket, max_fds: int = 0) -> tuple[object, list[int]]:
    """One control packet and the descriptors passed with it; ``EOFError`` when the other side has gone."""
    data, fds, _flags, _address = socket.recv_fds(channel, MAX_CONTROL_BYTES, max_fds)
    if not data:
        for fd in fds:
            socket.close(fd)
        raise EOFError()
    return parse(data), fds
