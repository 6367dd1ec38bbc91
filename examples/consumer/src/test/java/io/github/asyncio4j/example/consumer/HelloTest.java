package io.github.asyncio4j.example.consumer;

import static io.github.asyncio4j.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.junit.AsyncioTest;

class HelloTest {

    @AsyncioTest
    void greetsOverHttp() {
        assertEquals("hello, module", await(Hello.greet("module")));
    }

    @AsyncioTest
    void runsOnTheFastEngineAsANamedModule(EventLoop loop) {
        assertTrue(Async.class.getModule().isNamed(), "asyncio4j is on the module path");
        assertEquals("io.github.asyncio4j", Async.class.getModule().getName());
        assertTrue(Hello.fastEngineEnabled(), "java.base exports jdk.internal.vm to io.github.asyncio4j");
        assertTrue(loop.getDebug());
    }
}
