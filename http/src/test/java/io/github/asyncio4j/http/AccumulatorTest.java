package io.github.asyncio4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A body of unknown length: blocks kept as they came, joined once, bounded. */
class AccumulatorTest {
    @Test
    void blocksAreJoinedOnceInOrder() {
        MessageReader.Accumulator a = new MessageReader.Accumulator(100, "body");
        a.addOwned("abc".getBytes(StandardCharsets.US_ASCII));
        byte[] reused = "defXX".getBytes(StandardCharsets.US_ASCII);
        a.add(reused, 3);
        reused[0] = 'Z';     // the caller reuses its buffer: what was added is a copy
        a.addOwned("gh".getBytes(StandardCharsets.US_ASCII));
        assertThat(a.size).isEqualTo(8);
        assertThat(new String(a.toArray(), StandardCharsets.US_ASCII)).isEqualTo("abcdefgh");
    }

    @Test
    void oneOwnedBlockIsTheBodyWithoutACopy() {
        MessageReader.Accumulator a = new MessageReader.Accumulator(100, "body");
        byte[] block = {1, 2, 3};
        a.addOwned(block);
        assertThat(a.toArray()).isSameAs(block);
        assertThat(new MessageReader.Accumulator(100, "body").toArray()).isEmpty();
    }

    @Test
    void theBoundIsHeldBeforeAnythingIsKept() {
        MessageReader.Accumulator a = new MessageReader.Accumulator(5, "chunked body");
        a.addOwned(new byte[4]);
        assertThatThrownBy(() -> a.addOwned(new byte[2])).isInstanceOf(BodyTooLargeException.class)
                .hasMessageContaining("chunked body exceeds the maximum of 5 bytes");
        assertThatThrownBy(() -> a.add(new byte[8], 2)).isInstanceOf(BodyTooLargeException.class);
        assertThatThrownBy(() -> a.reserve(2)).isInstanceOf(BodyTooLargeException.class);
        assertThat(a.size).isEqualTo(4);
    }
}
