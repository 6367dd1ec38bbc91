/*
 * The echo benchmark's load client: N connections to one server, each doing request/response round-trips of
 * SIZE bytes (send SIZE bytes, wait until SIZE bytes came back, check them, send again), driven by one epoll
 * thread. It is none of the servers it measures.
 *
 *   echo_client HOST PORT CONNECTIONS SIZE WARMUP_SECONDS MEASURE_SECONDS [ws]
 *
 * With "ws" each connection first does a WebSocket handshake (no extension offered), and each request is one
 * masked binary frame of SIZE bytes, its echo the server's unmasked frame of the same payload.
 *
 * Prints one JSON object: requests completed in the measured window, req/s, and latency percentiles (µs) of
 * those requests, latency being the time from the request's first write to the last byte of its echo.
 * Exits non-zero (with the reason on stderr) on a connection error, a wrong echo, or 10 s without progress.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;
    size_t sent;      /* bytes of the current request written */
    size_t received;  /* bytes of the current echo read */
    uint64_t start;   /* when the current request's first byte was written (ns) */
    int want_out;     /* EPOLLOUT registered */
    unsigned char seed;
    const unsigned char *req;     /* the current request's bytes, and the echo expected */
    const unsigned char *expect;
    unsigned char *req_buf;       /* ws: the frames, rebuilt per request */
    unsigned char *expect_buf;
} conn_t;

static size_t size;
static int ws;                     /* WebSocket framing on */
static size_t req_len, expect_len; /* bytes per request and per echo: size, or size plus the frame headers */
static unsigned char *message;   /* 2 * size bytes of pattern: request k of conn c starts at (c.seed + k) % size */
static int epfd;
static uint64_t *lat;
static size_t nlat, caplat;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "echo_client: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void set_out(conn_t *c, int on) {
    if (c->want_out == on) return;
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl");
    c->want_out = on;
}

/* Writes what is left of the current request; registers for EPOLLOUT if the socket is full. */
static void pump_out(conn_t *c) {
    while (c->sent < req_len) {
        ssize_t n = send(c->fd, c->req + c->sent, req_len - c->sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) { set_out(c, 1); return; }
            die("send");
        }
        c->sent += (size_t)n;
    }
    set_out(c, 0);
}

/* A binary frame's header for size bytes (mask bit clear); returns its length without a masking key. */
static size_t ws_header(unsigned char *h) {
    h[0] = 0x82;
    if (size < 126) { h[1] = (unsigned char)size; return 2; }
    if (size < 65536) { h[1] = 126; h[2] = (unsigned char)(size >> 8); h[3] = (unsigned char)size; return 4; }
    h[1] = 127;
    for (int i = 0; i < 8; i++) h[2 + i] = (unsigned char)((uint64_t)size >> (56 - 8 * i));
    return 10;
}

static void start_request(conn_t *c) {
    c->seed = (unsigned char)(c->seed + 1);
    if (!ws) {
        c->req = c->expect = message + c->seed;
    } else {
        const unsigned char *payload = message + c->seed;
        size_t eh = ws_header(c->expect_buf);
        memcpy(c->expect_buf + eh, payload, size);
        size_t rh = ws_header(c->req_buf);
        c->req_buf[1] |= 0x80;
        unsigned char key[4] = {(unsigned char)(c->seed * 7 + 1), 0x5a, (unsigned char)(c->fd), 0xc3};
        memcpy(c->req_buf + rh, key, 4);
        for (size_t i = 0; i < size; i++) c->req_buf[rh + 4 + i] = payload[i] ^ key[i & 3];
        c->req = c->req_buf;
        c->expect = c->expect_buf;
    }
    c->sent = 0;
    c->received = 0;
    c->start = now_ns();
    pump_out(c);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double pct(double p) {
    if (nlat == 0) return 0;
    size_t i = (size_t)(p * (double)(nlat - 1) + 0.5);
    return (double)lat[i] / 1000.0;
}

int main(int argc, char **argv) {
    ws = argc == 8 && strcmp(argv[7], "ws") == 0;
    if (argc != 7 && !ws) {
        fprintf(stderr, "usage: echo_client HOST PORT CONNECTIONS SIZE WARMUP_SECONDS MEASURE_SECONDS [ws]\n");
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    int nconn = atoi(argv[3]);
    size = (size_t)atol(argv[4]);
    double warmup = atof(argv[5]), measure = atof(argv[6]);
    if (port <= 0 || nconn <= 0 || size == 0 || warmup < 0 || measure <= 0) {
        fprintf(stderr, "echo_client: bad arguments\n");
        return 2;
    }
    size_t header = size < 126 ? 2 : size < 65536 ? 4 : 10;
    req_len = ws ? header + 4 + size : size;
    expect_len = ws ? header + size : size;
    message = malloc(size + 256);
    for (size_t i = 0; i < size + 256; i++) message[i] = (unsigned char)(i * 31 + 7);
    unsigned char *scratch = malloc(expect_len > 65536 ? expect_len : 65536);
    caplat = 1 << 20;
    lat = malloc(caplat * sizeof *lat);

    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) { fprintf(stderr, "echo_client: bad host %s\n", host); return 2; }
    epfd = epoll_create1(0);
    if (epfd < 0) die("epoll_create1");
    conn_t *conns = calloc((size_t)nconn, sizeof *conns);
    for (int i = 0; i < nconn; i++) {
        conn_t *c = &conns[i];
        c->fd = socket(AF_INET, SOCK_STREAM, 0);
        if (c->fd < 0) die("socket");
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("connect");
        if (ws) {
            static const char hs[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n";
            if (send(c->fd, hs, sizeof hs - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof hs - 1)) die("send handshake");
            char head[1024];
            size_t got = 0;
            while (got < 4 || memcmp(head + got - 4, "\r\n\r\n", 4) != 0) {   /* byte by byte: no frame is read */
                if (got == sizeof head || recv(c->fd, head + got, 1, 0) != 1) die("recv handshake");
                got++;
            }
            if (got < 12 || memcmp(head, "HTTP/1.1 101", 12) != 0) {
                fprintf(stderr, "echo_client: no 101 to the WebSocket handshake\n");
                return 1;
            }
            c->req_buf = malloc(req_len);
            c->expect_buf = malloc(expect_len);
        }
        if (fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK) < 0) die("fcntl");
        c->seed = (unsigned char)(i * 13);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl add");
    }
    for (int i = 0; i < nconn; i++) start_request(&conns[i]);

    uint64_t t0 = now_ns();
    uint64_t measure_from = t0 + (uint64_t)(warmup * 1e9);
    uint64_t measure_to = measure_from + (uint64_t)(measure * 1e9);
    uint64_t last_progress = t0;
    uint64_t total = 0;
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(epfd, events, 256, 100);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        uint64_t now = now_ns();
        for (int e = 0; e < n; e++) {
            conn_t *c = events[e].data.ptr;
            if (events[e].events & EPOLLOUT) pump_out(c);
            if (events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                for (;;) {
                    size_t want = expect_len - c->received;
                    ssize_t r = recv(c->fd, scratch, want, 0);
                    if (r < 0) {
                        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                        die("recv");
                    }
                    if (r == 0) { fprintf(stderr, "echo_client: the server closed a connection\n"); return 1; }
                    if (!ws && c->received + (size_t)r > c->sent) {
                        fprintf(stderr, "echo_client: got more bytes than were sent\n");
                        return 1;
                    }
                    if (memcmp(scratch, c->expect + c->received, (size_t)r) != 0) {
                        fprintf(stderr, "echo_client: the echo differs from the request\n");
                        return 1;
                    }
                    c->received += (size_t)r;
                    if (c->received == expect_len) {
                        uint64_t done = now_ns();
                        total++;
                        last_progress = done;
                        if (c->start >= measure_from && done <= measure_to) {
                            if (nlat == caplat) {
                                caplat *= 2;
                                lat = realloc(lat, caplat * sizeof *lat);
                                if (!lat) die("realloc");
                            }
                            lat[nlat++] = done - c->start;
                        }
                        if (done >= measure_to) break;
                        start_request(c);
                        break;   /* the socket has no more for us until the server answers */
                    }
                }
            }
        }
        now = now_ns();
        if (now >= measure_to) break;
        if (now > last_progress + 10000000000ull) {
            fprintf(stderr, "echo_client: no echo for 10 s\n");
            return 1;
        }
    }
    for (int i = 0; i < nconn; i++) close(conns[i].fd);
    qsort(lat, nlat, sizeof *lat, cmp_u64);
    double secs = (double)(measure_to - measure_from) / 1e9;
    printf("{\"connections\": %d, \"size\": %zu, \"seconds\": %.3f, \"requests\": %zu, \"rps\": %.1f, "
           "\"p50_us\": %.1f, \"p90_us\": %.1f, \"p99_us\": %.1f, \"max_us\": %.1f, \"total_requests\": %llu}\n",
           nconn, size, secs, nlat, (double)nlat / secs, pct(0.50), pct(0.90), pct(0.99),
           nlat ? (double)lat[nlat - 1] / 1000.0 : 0.0, (unsigned long long)total);
    return 0;
}
