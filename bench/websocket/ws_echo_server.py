"""The WebSocket echo benchmark's Python server (bench/run websocket): Python's `websockets` (Debian's
python3-websockets), without compression, on uvloop with --uvloop (Debian's python3-uvloop). Binds 127.0.0.1 on
an ephemeral port, prints the port on one line, echoes every message until killed.

    /usr/bin/python3 ws_echo_server.py [--uvloop]
"""
import asyncio
import sys

import websockets


async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)


async def main():
    async with websockets.serve(echo, "127.0.0.1", 0, compression=None, max_size=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    if "--uvloop" in sys.argv:
        import uvloop
        uvloop.install()
    asyncio.run(main())
