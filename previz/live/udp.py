"""A UDP receive loop on one dedicated thread, reading a blocking socket.

One thread reads every datagram in arrival order (a thread per packet, as
python-osc's threading server does, reorders and loses fast streams). The
socket's receive buffer is enlarged so bursts wait in the kernel rather than
being dropped, and a short timeout wakes the loop at least every
``tick_interval`` so the caller can flush its journal while the device is quiet.

The handler is called with ``(data, sender, received)``; it must not raise (the
loop catches and counts anything it does, so a bad packet never ends a session).
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable

from previz.errors import InputError

__all__ = ["UdpReceiver", "is_multicast", "parse_listen"]

Handler = Callable[[bytes, tuple[str, int], float], None]
_RECEIVE_BUFFER = 8 << 20


def is_multicast(host: str) -> bool:
    """True when ``host`` is a multicast group address (224.0.0.0/4, ff00::/8)."""
    try:
        return ipaddress.ip_address(host).is_multicast
    except ValueError:  # a host name
        return False


def parse_listen(text: str, default_port: int) -> tuple[str, int]:
    """Parse ``HOST:PORT``, ``HOST`` or ``:PORT`` (host defaults to 127.0.0.1).

    Raises
    ------
    InputError
        Naming the text and the expected form.
    """
    host, _, port_text = text.rpartition(":") if ":" in text else (text, "", "")
    host = host.strip("[]") or "127.0.0.1"
    try:
        port = int(port_text) if port_text else default_port
    except ValueError:
        raise InputError(f"--listen {text!r}: expected HOST:PORT, e.g. 127.0.0.1:9000") from None
    if not 0 <= port <= 65535:
        raise InputError(f"--listen {text!r}: port must be 0-65535")
    return host, port


class UdpReceiver:
    """Receive UDP datagrams on a thread and hand each to a handler.

    Parameters
    ----------
    handler : callable
        ``handler(data, sender, received)``; ``received`` is ``time.monotonic()``.
    host, port : str, int
        Interface and port to bind (127.0.0.1 unless the user names another;
        port 0 picks a free one, see :attr:`address`).
    allow : iterable of str, optional
        Sender addresses to accept; datagrams from others go to ``on_reject``.
    multicast : str, optional
        Multicast group to join (OpenTrackIO); ``host`` then names the interface
        (its address, or 0.0.0.0 for the default one).
    on_tick : callable, optional
        Called with ``time.monotonic()`` after every datagram and every quiet wake-up.
    on_reject : callable, optional
        Called with ``(kind, message)`` for rejected senders and handler failures.
    tick_interval : float
        Longest sleep of the loop, seconds.
    """

    def __init__(
        self,
        handler: Handler,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        allow: Iterable[str] | None = None,
        multicast: str | None = None,
        on_tick: Callable[[float], None] | None = None,
        on_reject: Callable[[str, str], None] | None = None,
        tick_interval: float = 0.05,
    ) -> None:
        self.handler = handler
        self.allow = None if allow is None else frozenset(allow)
        self.on_tick = on_tick
        self.on_reject = on_reject
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.socket = self._open(host, port, multicast, tick_interval)

    @staticmethod
    def _open(host: str, port: int, multicast: str | None, timeout: float) -> socket.socket:
        try:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_DGRAM)
        except OSError as error:
            raise InputError(f"cannot open a UDP socket: {error.strerror}") from None
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _RECEIVE_BUFFER)
            if multicast is not None:
                # Bound to the port on every address (a socket bound to a unicast
                # address never sees multicast), member of the group on ``host``'s
                # interface (0.0.0.0: the one the kernel routes multicast to).
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind(("", port))
                group = ipaddress.ip_address(multicast)
                if not group.is_multicast:
                    raise ValueError("not a multicast address")
                interface = socket.inet_aton(host or "0.0.0.0")
                request = struct.pack("4s4s", group.packed, interface)
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, request)
            else:
                sock.bind((host, port))
        except OSError as error:
            sock.close()
            raise InputError(f"cannot listen on {host}:{port}: {error.strerror}") from None
        except ValueError as error:
            sock.close()
            raise InputError(f"cannot join multicast group {multicast!r}: {error}") from None
        sock.settimeout(timeout)
        return sock

    @property
    def address(self) -> tuple[str, int]:
        """The bound (host, port)."""
        host, port = self.socket.getsockname()[:2]
        return host, port

    def start(self) -> UdpReceiver:
        """Start the receive thread."""
        self._thread = threading.Thread(target=self._run, name="previz-udp", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the thread and close the socket."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.socket.close()

    def __enter__(self) -> UdpReceiver:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        sock, handler, allow = self.socket, self.handler, self.allow
        on_tick = self.on_tick
        monotonic = time.monotonic
        while not self._stop.is_set():
            try:
                data, sender = sock.recvfrom(65536)
            except TimeoutError:
                self._tick(on_tick, monotonic())
                continue
            except OSError:
                if self._stop.is_set():
                    break
                continue
            received = monotonic()
            if allow is not None and sender[0] not in allow:
                self._reject("sender", f"datagram from {sender[0]} is not in the allow-list")
            else:
                try:
                    handler(data, sender, received)
                except Exception as error:
                    self._reject("invalid", f"{type(error).__name__}: {error}")
            self._tick(on_tick, received)

    def _tick(self, on_tick: Callable[[float], None] | None, now: float) -> None:
        if on_tick is None:
            return
        try:
            on_tick(now)
        except Exception as error:  # a full disk must not stop the camera moving
            self._reject("journal", f"{type(error).__name__}: {error}")

    def _reject(self, kind: str, message: str) -> None:
        if self.on_reject is not None:
            self.on_reject(kind, message)
