package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackedStringsTest {
    private static List<String> contents(PackedStrings p) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            all.add(p.get(i));
        }
        return all;
    }

    @Test
    void keepsEachStringOnceInTheOrderItWasFirstAdded() {
        PackedStrings p = new PackedStrings();
        assertThat(p.add("b.html")).isTrue();
        assertThat(p.add("")).isTrue();
        assertThat(p.add("a.html")).isTrue();
        assertThat(p.add("b.html")).isFalse();
        assertThat(p.add("")).isFalse();
        assertThat(p.add("caf\u00e9/\u4e2d.html")).isTrue();      // beyond Latin-1: the buffer widens
        assertThat(p.add("caf\u00e9/\u4e2d.html")).isFalse();
        assertThat(p.add("a.htm")).isTrue();                      // a prefix of another is another string
        assertThat(contents(p)).containsExactly("b.html", "", "a.html", "caf\u00e9/\u4e2d.html", "a.htm");
        assertThatThrownBy(() -> p.get(5)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void isALinkedHashSetOfManyStringsWithCollidingHashes() {
        PackedStrings p = new PackedStrings();
        Set<String> expected = new LinkedHashSet<>();
        Random random = new Random(28);
        for (int i = 0; i < 50_000; i++) {
            // "Aa" and "BB" have one hash: strings made of them collide in every table size
            String s = (random.nextBoolean() ? "Aa" : "BB") + (random.nextBoolean() ? "Aa" : "BB")
                    + "/page" + random.nextInt(20_000) + ".html";
            assertThat(p.add(s)).as(s).isEqualTo(expected.add(s));
        }
        assertThat(p.size()).isEqualTo(expected.size());
        assertThat(contents(p)).containsExactlyElementsOf(expected);
    }

    @Test
    void isEmptyAndUsableAfterClear() {
        PackedStrings p = new PackedStrings();
        for (int i = 0; i < 100; i++) {
            p.add("x" + i);
        }
        p.clear();
        assertThat(p.size()).isZero();
        assertThat(p.add("x1")).isTrue();
        assertThat(contents(p)).containsExactly("x1");
    }
}
