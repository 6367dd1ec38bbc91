package io.github.asyncio4j.examples;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.http.HttpClient;
import io.github.asyncio4j.http.HttpRequest;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpServer;
import io.github.asyncio4j.http.WebSocket;
import io.github.asyncio4j.http.WebSocketClosedException;
import io.github.asyncio4j.process.Subprocess;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WebSocket chat: a server that relays every line to everyone in the room, and clients. {@link #run} plays a
 * short conversation on 127.0.0.1 (ann and bob join, talk, leave), one thread for all of it. Run by hand:
 *
 * <pre>
 * java ... WebSocketChat server 8765                      # the room
 * java ... WebSocketChat client ws://127.0.0.1:8765/ ann  # type lines; Ctrl-D leaves
 * </pre>
 */
public final class WebSocketChat {
    /** The people in the room, by name, in the order they joined. Loop-confined, as the server. */
    private final Map<String, WebSocket> room = new LinkedHashMap<>();

    private WebSocketChat() {
    }

    /**
     * The server's handler: a WebSocket's first message is the name; each further one goes to everyone as
     * "name: text". Returning ends the WebSocket (the server closes it).
     */
    Coroutine<HttpResponse> handle(HttpRequest request) {
        return Coroutine.of(() -> {
            if (!request.isWebSocketUpgrade()) {
                return HttpResponse.text(400, "a WebSocket chat: connect with a WebSocket client\n");
            }
            WebSocket ws = await(WebSocket.accept(request));
            String name = await(ws.receive()).text();
            room.put(name, ws);
            broadcast("* " + name + " joined");
            try {
                for (WebSocket.Message m : ws.each()) {
                    broadcast(name + ": " + m.text());
                }
            } finally {
                room.remove(name);
                broadcast("* " + name + " left");
            }
            return null;
        });
    }

    /** Sends {@code line} to everyone in the room; someone who left meanwhile is skipped. */
    private void broadcast(String line) {
        for (WebSocket member : List.copyOf(room.values())) {
            try {
                await(member.send(line));
            } catch (WebSocketClosedException e) {
                // gone: their own handler takes them out of the room
            }
        }
    }

    /** One person in the demo: joins, says things, and prints what they hear. */
    private record Person(String name, WebSocket ws, PrintStream out) {
        static Person joins(String name, HttpClient client, String url, PrintStream out) {
            WebSocket ws = await(client.websocket(url));
            await(ws.send(name));   // the first message is the name
            return new Person(name, ws, out);
        }

        void hears(int lines) {
            for (int i = 0; i < lines; i++) {
                out.println(name + " <- " + await(ws.receive()).text());
            }
        }

        void says(String text) {
            out.println(name + " -> " + text);
            await(ws.send(text));
        }
    }

    static void run(PrintStream out) {
        Async.run(Coroutine.of(() -> {
            WebSocketChat chat = new WebSocketChat();
            HttpServer server = await(HttpServer.start(chat::handle, "127.0.0.1", 0));
            String url = "ws://127.0.0.1:" + server.port() + "/chat";
            try (server; HttpClient client = HttpClient.create()) {
                out.println("server: a chat room on 127.0.0.1");
                Person ann = Person.joins("ann", client, url, out);
                ann.hears(1);
                Person bob = Person.joins("bob", client, url, out);
                ann.hears(1);
                bob.hears(1);
                ann.says("hi bob");
                ann.hears(1);
                bob.hears(1);
                bob.says("hello ann, bye");
                ann.hears(1);
                bob.hears(1);
                await(bob.ws().close(WebSocket.NORMAL_CLOSURE, "bye"));
                ann.hears(1);
                await(ann.ws().close(WebSocket.NORMAL_CLOSURE, "bye"));
                out.println("ann's close code: " + ann.ws().closeCode() + ", bob's: " + bob.ws().closeCode());
            }
            await(server.waitClosed());
            out.println("server: closed, every connection finished");
            return null;
        }));
    }

    /** {@code server [PORT]} serves a room until stopped; {@code client URL NAME} chats from standard input. */
    public static void main(String[] args) {
        if (args.length >= 1 && args[0].equals("server")) {
            int port = args.length > 1 ? Integer.parseInt(args[1]) : 8765;
            Async.run(Coroutine.of(() -> {
                WebSocketChat chat = new WebSocketChat();
                HttpServer server = await(HttpServer.start(chat::handle, "127.0.0.1", port));
                System.out.println("chat room at ws://127.0.0.1:" + server.port() + "/ (Ctrl-C stops)");
                await(server.waitClosed());
                return null;
            }));
        } else if (args.length == 3 && args[0].equals("client")) {
            Async.run(client(args[1], args[2]));
        } else if (args.length == 0) {
            run(System.out);
        } else {
            System.err.println("usage: WebSocketChat [server [PORT] | client URL NAME]");
            System.exit(2);
        }
    }

    /** An interactive client: lines typed go to the room, lines heard are printed, until Ctrl-D. */
    static Coroutine<Void> client(String url, String name) {
        return Coroutine.of(() -> {
            try (HttpClient client = HttpClient.create()) {
                WebSocket ws = await(client.websocket(url));
                await(ws.send(name));
                var printer = Async.createTask(Coroutine.of(() -> {
                    for (WebSocket.Message m : ws.each()) {
                        System.out.println(m.text());
                    }
                    return null;
                }));
                // standard input is read by a child "cat": its lines arrive as a stream, without blocking the loop
                Subprocess stdin = await(Subprocess.exec(new ProcessBuilder("cat")
                        .redirectInput(ProcessBuilder.Redirect.INHERIT)));
                byte[] line;
                while ((line = await(stdin.stdout().readLine())).length > 0) {
                    await(ws.send(new String(line, java.nio.charset.StandardCharsets.UTF_8).strip()));
                }
                await(ws.close(WebSocket.NORMAL_CLOSURE, "bye"));
                await(printer);
                await(stdin.waitFor());
            }
            return null;
        });
    }
}
