package io.github.asyncio4j.junit;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;

/**
 * Test classes that {@link AsyncioExtensionTest} runs through JUnit's test kit, one behaviour each. Nested, so
 * surefire does not run them on their own (several are meant to fail).
 */
final class Samples {
    private Samples() {
    }

    static final class Passes {
        @AsyncioTest
        void awaitsOnItsOwnDebugLoop(EventLoop loop) {
            assertThat(getRunningLoop()).isSameAs(loop);
            assertThat(loop.getDebug()).isTrue();
            await(sleep(0.001));
            assertThat(await(createTask(Coroutine.of(() -> 42), "answer"))).isEqualTo(42);
        }

        @AsyncioTest
        void runsWithoutAParameter() {
            assertThat(getRunningLoop()).isNotNull();
        }
    }

    static final class LeaksATask {
        @AsyncioTest
        void leaves() {
            createTask(Coroutine.of(() -> {
                await(sleep(3600));
                return null;
            }), "sleeper");
            await(sleep(0));
        }
    }

    static final class NeverRetrievesAnException {
        @AsyncioTest
        void drops() {
            createTask(Coroutine.of(() -> {
                throw new IllegalStateException("boom");
            }), "doomed");
            await(sleep(0));
            await(sleep(0));
        }
    }

    static final class NeverAwaitsACoroutine {
        @AsyncioTest
        void forgets() {
            Coroutine.of(() -> "never run");
        }
    }

    static final class FailingCallback {
        @AsyncioTest
        void raisesInACallback(EventLoop loop) {
            loop.callSoon(() -> {
                throw new IllegalArgumentException("bad callback");
            });
            await(sleep(0));
            await(sleep(0));
        }
    }

    static final class FailsAndLeaks {
        @AsyncioTest
        void failsFirst() {
            createTask(Coroutine.of(() -> {
                await(sleep(3600));
                return null;
            }), "orphan");
            await(sleep(0));
            assertThat(1).as("the test's own assertion").isEqualTo(2);
        }
    }
}
