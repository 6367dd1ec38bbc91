package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompiledGeneratorTest {
    @Test
    void smoke() {
        GeneratorBody<Integer, Integer, String> body = y -> {
            int index = 0;
            while (index < 5) {
                Integer jump = y.yield(index);
                index += (jump == null) ? 1 : jump;
            }
            return "done";
        };
        Generator<Integer, Integer, String> g = Generator.of(body);
        System.out.println("why: " + Compiled.whyNotCompiled(body) + " compiled=" + g.isCompiled());
        assertThat(g.next()).isEqualTo(0);
        assertThat(g.send(2)).isEqualTo(2);
        assertThat(g.next()).isEqualTo(3);
        assertThat(g.send(-1)).isEqualTo(2);
    }
}
