"""A Streamlit client without a browser: one websocket speaking the server's own protocol, as a page does.

It asks for a page (``BackMsg.rerun_script`` with the page's query), answers the fragments'
timed reruns (``ForwardMsg.auto_rerun``) as the page's timers would, can move a slider (a
rerun carrying that widget's new state, by the id the server sent), and notes when each
heading arrives and when each script run finishes. Nothing is drawn: what it measures is the
server's side, as a class's laptops each drawing their own page would leave it.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Session:
    def __init__(self, url: str, query: str):
        self.url, self.query = url.replace("http", "ws", 1) + "/_stcore/stream", query
        self.headings: list[tuple[float, str]] = []  # (arrival, text) of every heading the server sent
        self.sliders: dict[str, str] = {}  # label -> widget id, as the server last sent them
        self.charts: list[int] = []  # a hash of each chart's spec, in the order the server sent them
        self.finished: list[float] = []  # arrival of every script_finished
        self.timers: dict[str, float] = {}  # fragment id -> its interval
        self.ws = None
        self._tasks: list[asyncio.Task] = []

    async def open(self) -> None:
        import websockets

        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None)
        self._tasks.append(asyncio.create_task(self._receive()))
        await self.rerun()

    async def close(self) -> None:
        self.timers.clear()
        for task in self._tasks:
            task.cancel()
        await self.ws.close()

    async def rerun(self, fragment: str = "", slider: tuple[str, float] | None = None) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        if fragment:
            msg.rerun_script.fragment_id, msg.rerun_script.is_auto_rerun = fragment, True
        if slider:
            state = msg.rerun_script.widget_states.widgets.add()
            state.id = self.sliders[slider[0]]
            state.double_array_value.data.append(slider[1])
        await self.ws.send(msg.SerializeToString())

    async def move(self, label: str, value: float) -> float:
        """Move the slider whose label starts with ``label``; seconds until the server finished the rerun."""
        found = next(key for key in self.sliders if key.startswith(label))
        before, drawn, start = len(self.finished), self.charts[-1:], time.time()
        await self.rerun(slider=(found, value))
        while len(self.finished) == before:
            await asyncio.sleep(0.002)
        if self.charts[-1:] == drawn:  # the server must have taken the move, not rerun without it
            raise RuntimeError(f"{found}: moved to {value}, but the server drew the same chart")
        return self.finished[before] - start

    async def ready(self) -> None:
        while not self.finished:
            await asyncio.sleep(0.01)

    async def _poll(self, fragment: str, interval: float) -> None:
        while self.timers.get(fragment) == interval:
            await asyncio.sleep(interval)
            if self.timers.get(fragment) == interval:
                await self.rerun(fragment)

    async def _receive(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        async for data in self.ws:
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta":
                element = msg.delta.new_element
                which = element.WhichOneof("type")
                if which == "heading":
                    self.headings.append((time.time(), element.heading.body))
                elif which == "slider":
                    self.sliders[element.slider.label] = element.slider.id
                elif which == "vega_lite_chart":
                    self.charts.append(hash(element.vega_lite_chart.spec))
            elif kind == "auto_rerun" and msg.auto_rerun.fragment_id not in self.timers:
                fragment, every = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
                self.timers[fragment] = every
                self._tasks.append(asyncio.create_task(self._poll(fragment, every)))
            elif kind == "script_finished":
                self.finished.append(time.time())
