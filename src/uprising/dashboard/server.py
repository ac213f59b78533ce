"""The dashboard's web server: Starlette (ASGI) on uvicorn, one WebSocket per browser tab.

``GET /`` serves the page (static HTML + JS, no external resources); ``GET /status`` says how
many sessions are live; ``/ws`` carries the session: JSON messages from the page, binary
lattice frames and JSON updates to it. Each connection owns one ``Session`` (its model and
what-if fork), dropped on disconnect. Model work runs in a worker thread so the event loop keeps
reading the page's messages while a tick runs; a lock keeps a message from changing a model
mid-tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import sys
import time
from collections.abc import Callable
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from uprising.dashboard.session import Session

MAX_MESSAGE = 64 * 1024  # bytes: the page only ever sends small JSON messages


def is_loopback(host: str) -> bool:
    """Returns whether ``host`` is a loopback address or 'localhost'."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _static(name: str) -> str:
    return resources.files("uprising.dashboard").joinpath("static", name).read_text("utf-8")


def _same_origin(websocket: Any) -> bool:
    """Returns whether the WebSocket comes from the dashboard's own page (or a non-browser
    client without an Origin header): other web sites must not drive the local model."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == websocket.headers.get("host", "")


def create_app(scenario: str = "epstein2002-run1", seed: int | None = None) -> Any:
    """Returns the Starlette application; every page starts with ``scenario`` and ``seed``."""
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket, WebSocketDisconnect

    page = _static("index.html")
    script = _static("app.js")
    live: set[int] = set()  # ids of the connections holding a session now

    async def status(request: Any) -> JSONResponse:
        return JSONResponse({"sessions": len(live)})

    async def index(request: Any) -> HTMLResponse:
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    async def app_js(request: Any) -> Response:
        return Response(script, media_type="text/javascript",
                        headers={"Cache-Control": "no-store"})

    async def ws_endpoint(websocket: WebSocket) -> None:
        if not _same_origin(websocket):
            await websocket.close(code=1008)
            return
        await websocket.accept()
        live.add(id(websocket))
        session = Session(scenario, seed)
        lock = asyncio.Lock()
        wake = asyncio.Event()

        async def send(messages: list[Any]) -> None:
            for m in messages:
                if isinstance(m, bytes):
                    await websocket.send_bytes(m)
                else:
                    await websocket.send_text(m)

        async def player() -> None:
            while True:
                await wake.wait()
                started = time.perf_counter()
                async with lock:
                    if not session.playing:
                        wake.clear()
                        continue
                    try:
                        messages = await asyncio.to_thread(session.advance)
                    except Exception as exc:  # a model fault: stop playing, tell the page
                        session.playing = False
                        messages = [Session._error(
                            f"internal error while running: {type(exc).__name__}: {exc}")]
                    await send(messages)  # inside the lock: a later reply never overtakes it
                if session.tps > 0:
                    pause = session.every / session.tps - (time.perf_counter() - started)
                    await asyncio.sleep(max(pause, 0.0))
                else:
                    await asyncio.sleep(0)

        task = None
        try:
            async with lock:
                try:
                    first = await asyncio.to_thread(session.start)
                except Exception as exc:  # bad scenario from the command line: say so
                    first = [Session._error(f"{scenario}: {exc}")]
                    session = Session()
                    first += await asyncio.to_thread(session.start)
            await send(first)
            task = asyncio.create_task(player())
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    await send([Session._error("malformed message: binary data not accepted")])
                    continue
                if len(text) > MAX_MESSAGE:
                    await send([Session._error(f"message too long ({len(text)} characters)")])
                    continue
                async with lock:
                    replies = await asyncio.to_thread(session.handle, text)
                    await send(replies)
                if session.playing:
                    wake.set()
        except WebSocketDisconnect:
            pass
        finally:
            live.discard(id(websocket))
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            # The session (model and fork) is referenced only by this handler: it goes with it.

    routes = [Route("/", index), Route("/app.js", app_js), Route("/status", status),
              WebSocketRoute("/ws", ws_endpoint)]
    return Starlette(routes=routes)


def bind(host: str, port: int) -> socket.socket:
    """Returns a listening socket on (host, port); port 0 picks a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(
    scenario: str = "epstein2002-run1",
    host: str = "127.0.0.1",
    port: int = 0,
    seed: int | None = None,
    allow_remote: bool = False,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serves the dashboard until interrupted; ``announce(url)`` is called once listening.

    Raises ValueError for a non-loopback ``host`` unless ``allow_remote``.
    """
    import uvicorn

    if not is_loopback(host) and not allow_remote:
        raise ValueError(
            f"--host {host} would expose the dashboard to other machines (anyone who reaches "
            "it can run simulations here); use 127.0.0.1, or add --allow-remote"
        )
    sock = bind(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound}/"
    (announce or (lambda u: print(f"uprising dashboard: {u}", flush=True)))(url)
    config = uvicorn.Config(create_app(scenario, seed), log_level="warning", ws="websockets-sansio",
                            ws_max_size=MAX_MESSAGE, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # pragma: no cover - interactive stop
        pass
    finally:
        sock.close()


if __name__ == "__main__":  # python -m uprising.dashboard.server [SCENARIO] — for tests
    serve(*(sys.argv[1:2] or ["epstein2002-run1"]))
