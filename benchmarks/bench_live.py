"""Live OSC ingest: previz's whole receive path beside a bare python-osc server.

A sender in a separate process streams OSC over loopback at fixed rates. Each
rate is received twice in this process, one after the other:

* **python-osc**: ``BlockingOSCUDPServer`` with a dispatcher whose handler only
  counts — the bare peer, doing no work at all per message;
* **previz**: a :class:`~previz.live.session.LiveSession` with the ``previz``
  profile, recording a take: parse, map, calibrate, One Euro filter on
  position and rotation, journal to disk, telemetry.

For every rate it prints messages sent, received by each, and loss. First
(before the overload runs, whose journals keep the disk busy afterwards):

* **latency** at 1 kHz: time from the sender's ``time.time()`` just before
  ``sendto`` (the bundle's time tag) to the sample being journalled and
  published — p50, p99 and max;
* **CPU share** of the previz process at 250 Hz.

Targets (issue 5): zero loss at ≥ 20,000 messages/s; p99 ≤ 1 ms at 1 kHz.

Run: ``python benchmarks/bench_live.py [--seconds 3] [--rates 10000,20000,30000,40000]``
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import socket
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from previz.io.device_toml import find_device
from previz.live.sender import osc_bundle
from previz.live.session import LiveSession


def _message(address: str, values: list[float]) -> bytes:
    from pythonosc.osc_message_builder import OscMessageBuilder

    builder = OscMessageBuilder(address)
    for value in values:
        builder.add_arg(float(value))
    return builder.build().dgram


def sender(port: int, rate: float, seconds: float, bundles: bool, ready: mp.Event,
           done: mp.Queue) -> None:
    """Send ``rate`` datagrams a second for ``seconds`` (paced every millisecond)."""
    count = int(rate * seconds)
    positions = [_message("/previz/camera/position", [0.001 * i, 2.0, 1.5])
                 for i in range(min(count, 5000))]
    orientation = _message("/previz/camera/orientation", [0.0, 0.0, 0.0, 1.0])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = ("127.0.0.1", port)
    ready.wait(10)
    start = time.perf_counter()
    sent = 0
    while sent < count:
        due = min(count, int((time.perf_counter() - start) * rate) + 1)
        while sent < due:
            message = positions[sent % len(positions)]
            if bundles:
                sock.sendto(osc_bundle([message, orientation], time.time()), target)
            else:
                sock.sendto(message, target)
            sent += 1
        wait = start + sent / rate - time.perf_counter()
        if wait > 0:
            time.sleep(min(wait, 0.001))
    done.put((sent, time.perf_counter() - start))


def _run_sender(port: int, rate: float, seconds: float, bundles: bool = False
                ) -> tuple[mp.Process, mp.Event, mp.Queue]:
    context = mp.get_context("spawn")
    ready, done = context.Event(), context.Queue()
    process = context.Process(target=sender, args=(port, rate, seconds, bundles, ready, done))
    process.start()
    return process, ready, done


def peer_python_osc(rate: float, seconds: float) -> tuple[int, int]:
    """(sent, received) through a bare python-osc blocking server."""
    from pythonosc.dispatcher import Dispatcher
    from pythonosc.osc_server import BlockingOSCUDPServer

    received = [0]

    def count(_address: str, *_args: object) -> None:
        received[0] += 1

    dispatcher = Dispatcher()
    dispatcher.map("/previz/camera/position", count)
    server = BlockingOSCUDPServer(("127.0.0.1", 0), dispatcher)
    server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    server.timeout = 0.2
    port = server.server_address[1]
    process, ready, done = _run_sender(port, rate, seconds)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    ready.set()
    sent, _elapsed = done.get(timeout=seconds + 60)
    _settle(lambda: received[0], sent)
    server.shutdown()
    server.server_close()
    process.join()
    return sent, received[0]


def _settle(counter, target: int, quiet: float = 0.5) -> None:
    """Wait until the count reaches ``target`` or stops moving for ``quiet`` seconds."""
    last, since = -1, time.monotonic()
    while counter() < target:
        if counter() != last:
            last, since = counter(), time.monotonic()
        elif time.monotonic() - since > quiet:
            return
        time.sleep(0.01)


def previz_session(rate: float, seconds: float, folder: Path) -> tuple[int, int, int]:
    """(sent, samples, journalled) through a recording LiveSession."""
    session = LiveSession(find_device("previz"), port=0, take_folder=folder)
    process, ready, done = _run_sender(session.address[1], rate, seconds)
    with session:
        take = session.start_recording(folder / f"bench_{int(rate)}.vtake")
        ready.set()
        sent, _elapsed = done.get(timeout=seconds + 60)
        _settle(lambda: session.stats.samples, sent)
        session.stop_recording()
    process.join()
    from previz.live.journal import read_take_file

    journalled = len(read_take_file(take).samples)
    take.unlink()  # no gigabytes of dirty pages left to disturb the next run
    return sent, session.stats.samples, journalled


class _TimedSession(LiveSession):
    """A session that notes when each datagram's sample was published."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.latencies: list[float] = []

    def _on_datagram(self, data: bytes, sender: tuple[str, int], received: float) -> None:
        super()._on_datagram(data, sender, received)
        sample = self.vcam.last
        if sample is not None:
            self.latencies.append(time.time() - sample.device_time)


def latency(rate: float, seconds: float, folder: Path) -> np.ndarray:
    """Send-to-sample latencies (s) at ``rate`` bundles per second."""
    session = _TimedSession(find_device("previz"), port=0, take_folder=folder)
    process, ready, done = _run_sender(session.address[1], rate, seconds, bundles=True)
    with session:
        session.start_recording(folder / "latency.vtake")
        ready.set()
        sent, _ = done.get(timeout=seconds + 60)
        _settle(lambda: session.stats.samples, sent)
    process.join()
    return np.asarray(session.latencies[int(rate * 0.2):])  # skip the first 200 ms warm-up


def cpu_share(rate: float, seconds: float, folder: Path) -> float:
    """Fraction of one core the receiving process uses at ``rate`` bundles per second."""
    session = LiveSession(find_device("previz"), port=0, take_folder=folder)
    process, ready, done = _run_sender(session.address[1], rate, seconds, bundles=True)
    with session:
        session.start_recording(folder / "cpu.vtake")
        ready.set()
        time.sleep(0.3)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        time.sleep(seconds - 0.6)
        cpu1, wall1 = time.process_time(), time.perf_counter()
        done.get(timeout=seconds + 60)
    process.join()
    return (cpu1 - cpu0) / (wall1 - wall0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rates", default="10000,20000,30000,40000")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    print(f"bench_live: loopback OSC, {args.seconds:g} s per run, {os.cpu_count()} cores")
    print(f"{'msgs/s':>8} | {'python-osc (count only)':>26} | {'previz (map+filter+journal)':>30}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Latency and CPU first, on a quiet machine: the overload runs below leave
        # the kernel busy writing their journals back for a while.
        lat = latency(1000.0, args.seconds, folder) * 1000.0
        share = cpu_share(250.0, max(args.seconds, 3.0), folder)
        for rate in rates:
            sent_p, got_p = peer_python_osc(rate, args.seconds)
            sent_v, got_v, journalled = previz_session(rate, args.seconds, folder)
            loss_p = 100.0 * (sent_p - got_p) / sent_p
            loss_v = 100.0 * (sent_v - got_v) / sent_v
            print(f"{rate:8.0f} | {got_p:>9}/{sent_p:<9} loss {loss_p:5.2f}% | "
                  f"{got_v:>9}/{sent_v:<9} loss {loss_v:5.2f}% journal {journalled}")
        print(f"latency at 1 kHz (send → sample journalled), {lat.size} samples: "
              f"p50 {np.percentile(lat, 50):.3f} ms, p99 {np.percentile(lat, 99):.3f} ms, "
              f"max {lat.max():.3f} ms  (target p99 <= 1 ms)")
        print(f"CPU at 250 Hz: {100.0 * share:.1f}% of one core")


if __name__ == "__main__":
    main()
