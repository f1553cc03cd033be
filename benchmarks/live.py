"""A real `streamlit run app.py` server on a loopback port, and a client that opens a page the
way a browser does: a websocket to ``/_stcore/stream`` speaking Streamlit's protobuf
protocol (a ``rerun_script`` BackMsg with the page and the link's query string in; deltas,
query-string updates and ``script_finished`` out).

Shared by the load, soak and cold-start benchmarks. Loopback only; the server runs in its
own process group and :class:`Server` kills that group on exit, also after an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
#: Alert.Format.ERROR in Streamlit's protocol (st.error).
ALERT_ERROR = 1
#: What ui.server.run_guarded shows instead of a stack trace.
GUARD_TEXT = "Something went wrong"


def free_port(preferred: range | None = None) -> int:
    """A free loopback port: the first free one of ``preferred``, else one the OS picks."""
    for port in preferred or ():
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc, Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def status_mb(pid: int, field_name: str) -> float:
    """A memory line of /proc/PID/status (VmRSS, VmHWM) in MB; 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """CPU seconds process ``pid`` has used so far (user + system, /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, timeout: float = 240.0, window: float = 3.0, busy: float = 0.15
              ) -> float:
    """Wait until process ``pid`` uses under ``busy`` of a core over ``window`` seconds (a
    server's start-up warm-up done); seconds waited."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        before = cpu_seconds(pid)
        time.sleep(window)
        if (cpu_seconds(pid) - before) / window < busy:
            break
    return time.perf_counter() - start


class Server:
    """``streamlit run app.py`` headless on a loopback port, as a context manager.

    ``warm_up=False`` sets DASHBOARD_WARM_UP=0 (no background compilation at start).
    A sampler thread records the resident memory of the server and its children every
    ``sample_s`` seconds; :meth:`peak_rss_mb` is the larger of the highest sum sampled and the
    kernel's high-water mark of the server process (VmHWM).
    """

    def __init__(self, port: int | None = None, *, warm_up: bool = True,
                 sample_s: float = 0.25, extra_args: tuple[str, ...] = ()) -> None:
        self.port = port or free_port()
        self.warm_up = warm_up
        self.sample_s = sample_s
        self.extra_args = extra_args
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.rss_samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._hwm = 0.0
        self._log = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> Server:
        if threading.current_thread() is threading.main_thread():
            # `timeout` and CI send SIGTERM: exit through __exit__, which kills the server.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3",
                   DASHBOARD_WARM_UP="1" if self.warm_up else "0")
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py",
               "--server.headless", "true", "--server.port", str(self.port),
               "--server.address", HOST, "--browser.gatherUsageStats", "false",
               *self.extra_args]
        # The server's own log, for reading after a failure; outside the repository.
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            "w", prefix=f"streamlit-{self.port}-", suffix=".log", delete=False)
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=self._sample, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Kill the server's process group (idempotent)."""
        self._stop.set()
        if self.proc is not None and self.proc.poll() is None:
            self._hwm = max(self._hwm, status_mb(self.proc.pid, "VmHWM"))
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def _sample(self) -> None:
        while not self._stop.wait(self.sample_s):
            if self.proc is None or self.proc.poll() is not None:
                return
            pids = process_tree(self.proc.pid)
            self._hwm = max(self._hwm, status_mb(self.proc.pid, "VmHWM"))
            self.rss_samples.append((time.perf_counter() - self.started_at,
                                     sum(status_mb(p, "VmRSS") for p in pids)))

    def rss_mb(self) -> float:
        """Resident memory of the server and its children now."""
        if self.proc is None:
            return 0.0
        return sum(status_mb(p, "VmRSS") for p in process_tree(self.proc.pid))

    def peak_rss_mb(self) -> float:
        if self.proc is not None and self.proc.poll() is None:
            self._hwm = max(self._hwm, status_mb(self.proc.pid, "VmHWM"))
        return max([self._hwm] + [mb for _, mb in self.rss_samples])

    def cpu_s(self) -> float:
        """CPU seconds the server process has used so far (user + system, /proc)."""
        return 0.0 if self.proc is None else cpu_seconds(self.proc.pid)

    def wait_idle(self, timeout: float = 240.0, window: float = 3.0, busy: float = 0.15
                  ) -> float:
        """Wait until the server's start-up warm-up is done (as on a server opened before
        class); seconds waited."""
        return wait_idle(self.proc.pid, timeout, window, busy)

    def wait_healthy(self, timeout: float = 60.0) -> float:
        """Seconds from start until /_stcore/health answers "ok"; raises on timeout."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return time.perf_counter() - self.started_at
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"streamlit did not answer on port {self.port} in {timeout:.0f} s")


@dataclass
class Visit:
    """What one page visit (one script run to its end) sent back."""

    page: str
    query: dict[str, str]
    seconds: float = 0.0
    finished: bool = False
    charts: dict[tuple[int, ...], list] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    error_alerts: list[str] = field(default_factory=list)
    final_query: str = ""
    failure: str = ""  # disconnect, timeout, compile error

    def chart_data(self) -> list:
        """The ``data`` part of every Plotly chart left on the page, in page order."""
        return [self.charts[path] for path in sorted(self.charts)]

    @property
    def guard_messages(self) -> list[str]:
        return [a for a in self.error_alerts if GUARD_TEXT in a]


def _rerun_message(page: str, query: dict[str, str]) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = urlencode(query)
    msg.rerun_script.page_name = page
    msg.rerun_script.widget_states.SetInParent()
    return msg.SerializeToString()


def _record(visit: Visit, raw: bytes) -> str | None:
    """Store what a ForwardMsg adds to the visit; returns its type."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.ParseFromString(raw)
    kind = msg.WhichOneof("type")
    if kind == "page_info_changed":
        visit.final_query = msg.page_info_changed.query_string
    elif kind == "script_finished":
        status = msg.script_finished
        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            visit.failure = "compile error"
        return {ForwardMsg.FINISHED_SUCCESSFULLY: "finished",
                ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "finished"}.get(status, "rerun")
    elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        what = element.WhichOneof("type")
        path = tuple(msg.metadata.delta_path)
        visit.charts.pop(path, None)  # a placeholder replaced by something else
        if what == "plotly_chart":
            visit.charts[path] = json.loads(element.plotly_chart.spec or "{}").get("data", [])
        elif what == "exception":
            visit.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif what == "alert" and element.alert.format == ALERT_ERROR:
            visit.error_alerts.append(element.alert.body)
    return kind


async def visit(port: int, page: str, query: dict[str, str], timeout: float = 90.0) -> Visit:
    """Open ``page`` (its url path, "" for home) with ``query`` in a new session, as a browser
    opening a link does, and collect what the script run sends until it finishes.

    ``seconds`` runs from sending the request to ``script_finished`` (after any st.rerun the
    page asks for); a closed connection or the timeout is recorded in ``failure``.
    """
    import websockets

    result = Visit(page, dict(query))
    start = time.perf_counter()
    try:
        async with asyncio.timeout(timeout):
            async with websockets.connect(
                    f"ws://{HOST}:{port}/_stcore/stream", subprotocols=["streamlit"],
                    # no keep-alive pings: browsers send none, and a server busy training
                    # answers late, which is a slow page, not a lost connection
                    ping_interval=None, max_size=None, compression=None,
                    open_timeout=timeout) as ws:
                start = time.perf_counter()
                await ws.send(_rerun_message(page, query))
                async for raw in ws:
                    if _record(result, raw) == "finished":
                        result.finished = True
                        break
    except TimeoutError:
        result.failure = f"timeout after {timeout:.0f} s"
    except Exception as err:  # noqa: BLE001 - a dropped connection is a result to report
        result.failure = f"{type(err).__name__}: {err}"
    result.seconds = time.perf_counter() - start
    if not result.finished and not result.failure:
        result.failure = "connection closed before the run finished"
    return result


def same_data(a: object, b: object, rel: float = 1e-9) -> bool:
    """Parsed chart data equal, numbers up to a relative ``rel`` (JSON floats round-trip
    exactly, so equal results compare equal; the margin only forgives the last bit)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or abs(a - b) <= rel * max(abs(a), abs(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_data(a[k], b[k], rel) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_data(x, y, rel) for x, y in zip(a, b, strict=True))
    return a == b


def load_average() -> str:
    """The machine's 1/5/15-minute load average, as `uptime` prints it."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"
