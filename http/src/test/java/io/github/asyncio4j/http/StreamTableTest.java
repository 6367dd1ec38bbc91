package io.github.asyncio4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The connection's stream table against a HashMap, through growth and removals that shift entries back. */
class StreamTableTest {
    private static Http2Stream stream(int id) {
        return new Http2Stream(null, id, 65_535, 65_535);
    }

    @Test
    void findsWhatWasPutAndForgetsWhatWasRemoved() {
        StreamTable t = new StreamTable();
        Http2Stream one = stream(1);
        Http2Stream three = stream(3);
        t.put(one);
        t.put(three);
        assertThat(t.get(1)).isSameAs(one);
        assertThat(t.get(3)).isSameAs(three);
        assertThat(t.get(5)).isNull();
        assertThat(t.remove(1)).isSameAs(one);
        assertThat(t.remove(1)).isNull();
        assertThat(t.get(1)).isNull();
        assertThat(t.get(3)).isSameAs(three);
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.snapshot()).containsExactly(three);
    }

    /** Client-like traffic (consecutive odd ids, the oldest closing first) and random closes, many thousand times. */
    @Test
    void staysInStepWithAMapThroughGrowthAndRemovals() {
        Random random = new Random(11);
        StreamTable t = new StreamTable();
        Map<Integer, Http2Stream> reference = new HashMap<>();
        List<Integer> open = new ArrayList<>();
        int next = 1;
        for (int step = 0; step < 200_000; step++) {
            boolean add = open.isEmpty() || open.size() < 300 && random.nextInt(3) > 0;
            if (add) {
                Http2Stream s = stream(next);
                t.put(s);
                reference.put(next, s);
                open.add(next);
                next += random.nextInt(4) == 0 ? 2 + 2 * random.nextInt(1000) : 2;   // gaps too
            } else {
                int id = open.remove(random.nextBoolean() ? 0 : random.nextInt(open.size()));
                assertThat(t.remove(id)).isSameAs(reference.remove(id));
            }
            int probe = 1 + 2 * random.nextInt(Math.max(1, next / 2));
            assertThat(t.get(probe)).as("id %d at step %d", probe, step).isSameAs(reference.get(probe));
        }
        assertThat(t.size()).isEqualTo(reference.size());
        assertThat(t.snapshot()).containsExactlyInAnyOrderElementsOf(reference.values());
        for (int id : open) {
            assertThat(t.get(id)).isSameAs(reference.get(id));
        }
    }
}
