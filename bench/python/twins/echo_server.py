"""The echo benchmark's Python servers: asyncio streams or an asyncio Protocol, on asyncio's default loop or on
uvloop. Binds 127.0.0.1 on an ephemeral port, prints the port on one line, serves until killed.

    python3 echo_server.py streams|protocol [--uvloop]
"""
import asyncio
import socket
import sys

READ_SIZE = 64 * 1024


async def handle(reader, writer):
    # the streams version: as asyncio's documentation writes an echo server
    try:
        while True:
            data = await reader.read(READ_SIZE)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        sock = transport.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def connection_lost(self, exc):
        self.transport = None


async def main(mode):
    loop = asyncio.get_running_loop()
    if mode == "streams":
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    elif mode == "protocol":
        server = await loop.create_server(EchoProtocol, "127.0.0.1", 0, backlog=1024)
    else:
        raise SystemExit(f"unknown mode {mode!r}: streams or protocol")
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--uvloop" in args:
        import uvloop   # Debian's python3-uvloop, under /usr/bin/python3
        uvloop.install()
        args.remove("--uvloop")
    if len(args) != 1:
        raise SystemExit(__doc__)
    asyncio.run(main(args[0]))
