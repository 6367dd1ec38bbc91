"""A WebSocket peer on Python's `websockets` (Debian's python3-websockets) for asyncio4j's interop tests.

    ws_peer.py server on|off         echo server on 127.0.0.1; prints "port N", serves until stdin closes
    ws_peer.py client on|off URL     runs the client script against URL; prints "closed CODE REASON", exit 0

The server echoes every message; "close:CODE:REASON" makes it close with that code and reason, "fragments" makes
it send a fragmented text message and a fragmented binary one. The client checks echoes of text and binary
messages up to 16 MiB, sends fragmented messages, and closes with 4000 "bye".
"""
import asyncio
import random
import sys

import websockets

SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20]


def text_of(size):
    return ("é€😀x" * (size // 16 + 1))[: size // 4]


async def handler(ws, path=None):
    async for message in ws:
        if isinstance(message, str) and message.startswith("close:"):
            _, code, reason = message.split(":", 2)
            await ws.close(int(code), reason)
            return
        if message == "fragments":
            await ws.send(["frag", "men", "ted"])
            await ws.send([b"\x01", b"\x02\x03"])
            continue
        await ws.send(message)


async def server(compress):
    async with websockets.serve(handler, "127.0.0.1", 0, compression="deflate" if compress else None,
                                max_size=None) as srv:
        port = srv.sockets[0].getsockname()[1]
        print("port", port, flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)   # until the test closes our stdin


async def client(compress, url):
    async with websockets.connect(url, compression="deflate" if compress else None, max_size=None) as ws:
        assert (ws.extensions != []) == compress, ws.extensions
        for size in SIZES:
            text = text_of(size)
            await ws.send(text)
            assert await ws.recv() == text, "text echo of %d" % size
            data = random.Random(size).randbytes(size)
            await ws.send(data)
            assert await ws.recv() == data, "binary echo of %d" % size
        await ws.send(["frag", "men", "ted"])
        assert await ws.recv() == "fragmented"
        await ws.send([b"ab", b"cd"])
        assert await ws.recv() == b"abcd"
        await ws.close(4000, "bye")
        print("closed", ws.close_code, ws.close_reason, flush=True)


def main():
    compress = sys.argv[2] == "on"
    if sys.argv[1] == "server":
        asyncio.run(server(compress))
    else:
        asyncio.run(client(compress, sys.argv[3]))


if __name__ == "__main__":
    main()
