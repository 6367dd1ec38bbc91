package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.net.NetTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Back-pressure both ways: the writer's water marks and drain(), the reader's limit and paused reading. */
@Timeout(20)
class FlowControlTest {
    /** What one socket read may add on top of the reader's pause threshold. */
    static final int ONE_READ = 256 * 1024;

    @Test
    void aLargeTransferToASlowReaderKeepsTheWriterBufferBounded() {
        int total = fastEngine() ? 32 << 20 : 8 << 20;
        int chunk = 64 * 1024;
        run(() -> {
            CRC32 receivedCrc = new CRC32();
            long[] received = {0};
            int[] maxReaderBuffer = {0};
            ConnectionHandler slowReader = (r, w) -> Coroutine.of(() -> {
                byte[] block;
                int reads = 0;
                while (true) {
                    maxReaderBuffer[0] = Math.max(maxReaderBuffer[0], r.buffered());
                    block = await(r.read(16 * 1024));
                    if (block.length == 0) {
                        break;
                    }
                    receivedCrc.update(block);
                    received[0] += block.length;
                    if (++reads % 64 == 0) {
                        await(sleep(0.001));   // slower than the writer
                    }
                }
                w.close();
                return null;
            });
            try (Server server = await(Streams.startServer(slowReader, HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                StreamWriter w = c.writer();
                assertThat(w.highWaterMark()).isEqualTo(64 * 1024);
                assertThat(w.lowWaterMark()).isEqualTo(16 * 1024);
                CRC32 sentCrc = new CRC32();
                Random random = new Random(42);
                byte[] data = new byte[chunk];
                long maxBuffered = 0;
                int suspendedDrains = 0;
                for (long sent = 0; sent < total; sent += chunk) {
                    random.nextBytes(data);
                    sentCrc.update(data);
                    w.write(data);
                    maxBuffered = Math.max(maxBuffered, w.writeBufferSize());
                    if (w.writeBufferSize() > w.highWaterMark()) {
                        suspendedDrains++;
                    }
                    await(w.drain());
                    assertThat(w.writeBufferSize()).isLessThanOrEqualTo(w.highWaterMark());
                }
                w.writeEof();
                assertThat(await(c.reader().read(10))).isEmpty();   // the server closes after reading all
                assertThat(received[0]).isEqualTo(total);
                assertThat(receivedCrc.getValue()).isEqualTo(sentCrc.getValue());
                assertThat(suspendedDrains).as("drain had to wait at least once").isPositive();
                assertThat(maxBuffered).isLessThanOrEqualTo(w.highWaterMark() + chunk);
                assertThat(maxReaderBuffer[0]).isLessThanOrEqualTo(2 * StreamOptions.DEFAULT_LIMIT + ONE_READ);
                c.close();
            }
            return null;
        });
    }

    @Test
    void aReaderThatDoesNotReadStopsReadingFromTheSocketAndResumesWhenDrained() {
        int total = 32 << 20;   // far more than the kernel's socket buffers hold
        int limit = 16 * 1024;
        run(() -> {
            boolean[] doneWriting = {false};
            ConnectionHandler firehose = (r, w) -> Coroutine.of(() -> {
                byte[] block = new byte[64 * 1024];
                for (int sent = 0; sent < total; sent += block.length) {
                    w.write(block);
                    await(w.drain());
                }
                doneWriting[0] = true;
                w.close();
                return null;
            });
            try (Server server = await(Streams.startServer(firehose, HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port(),
                        StreamOptions.defaults().withLimit(limit)));
                StreamReader reader = c.reader();
                for (int i = 0; i < 2000 && !reader.isReadingPaused(); i++) {
                    await(sleep(0.001));
                }
                assertThat(reader.isReadingPaused()).isTrue();
                assertThat(c.writer().transport().isReading()).isFalse();
                await(sleep(0.05));   // paused: the buffer does not grow any more
                int buffered = reader.buffered();
                assertThat(buffered).isGreaterThan(2 * limit).isLessThanOrEqualTo(2 * limit + ONE_READ);
                assertThat(doneWriting[0]).as("the server's writer is held back by drain()").isFalse();
                long got = 0;
                byte[] block;
                while ((block = await(reader.read(64 * 1024))).length > 0) {
                    got += block.length;
                }
                assertThat(got).isEqualTo(total);
                assertThat(reader.isReadingPaused()).isFalse();
                c.close();
            }
            return null;
        });
    }

    @Test
    void cancellingDrainLosesNoDataAndTheBufferStillFlushes() {
        int total = 4 << 20;
        run(() -> {
            StreamsTest.RawPeer p = StreamsTest.rawPeer();
            StreamWriter w = p.connection().writer();
            fixSendBuffer(w.transport());
            byte[] data = new byte[total];
            new Random(7).nextBytes(data);
            w.write(data);   // the peer does not read: most of it stays buffered
            assertThat(w.writeBufferSize()).isGreaterThan(w.highWaterMark());
            Task<Void> draining = spawn(() -> await(w.drain()));
            settle();
            assertThat(draining.isDone()).isFalse();
            draining.cancel();
            assertThatThrownBy(() -> await(draining)).isInstanceOf(CancelledError.class);
            assertThat(w.writeBufferSize()).isPositive();
            // now the peer reads everything: the buffer flushes in the background
            ByteBuffer in = ByteBuffer.allocate(total);
            while (in.hasRemaining()) {
                await(Sockets.sockRecv(p.peer(), in));
            }
            assertThat(in.array()).isEqualTo(data);
            assertThat(w.writeBufferSize()).isZero();
            SocketChannel channel = ((SocketTransport) w.transport()).channel();
            assertThat(getRunningLoop().removeWriter(channel)).isFalse();   // no writer interest left behind
            await(w.drain());   // below the marks again: returns at once
            p.closeAll();
            return null;
        });
    }

    @Test
    void aDrainWaitingWhenThePeerResetsRaisesTheError() {
        run(() -> {
            StreamsTest.RawPeer p = StreamsTest.rawPeer();
            StreamWriter w = p.connection().writer();
            fixSendBuffer(w.transport());
            w.write(new byte[4 << 20]);
            Task<Void> draining = spawn(() -> await(w.drain()));
            settle();
            assertThat(draining.isDone()).isFalse();
            StreamsTest.reset(p.peer());
            assertThatThrownBy(() -> await(draining)).isInstanceOf(IOException.class);
            p.closeAll();
            return null;
        });
    }

    @Test
    void customWaterMarks() {
        run(() -> {
            StreamsTest.RawPeer p = StreamsTest.rawPeer();
            StreamWriter w = p.connection().writer();
            w.setWriteBufferLimits(1 << 20);
            assertThat(w.highWaterMark()).isEqualTo(1 << 20);
            assertThat(w.lowWaterMark()).isEqualTo(1 << 18);
            assertThatThrownBy(() -> w.setWriteBufferLimits(10, 20)).isInstanceOf(IllegalArgumentException.class);
            w.setWriteBufferLimits(0, 0);   // drain waits until everything is handed to the kernel
            int total = 4 << 20;
            w.write(new byte[total]);
            Task<Long> reading = spawn(() -> {
                ByteBuffer in = ByteBuffer.allocate(total);
                while (in.hasRemaining()) {
                    await(Sockets.sockRecv(p.peer(), in));
                }
                return (long) in.position();
            });
            await(w.drain());
            assertThat(w.writeBufferSize()).isZero();
            assertThat(await(reading)).isEqualTo(total);
            p.closeAll();
            return null;
        });
    }
}
