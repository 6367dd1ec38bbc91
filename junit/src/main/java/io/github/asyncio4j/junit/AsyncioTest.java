package io.github.asyncio4j.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test method whose body runs as the main coroutine of a fresh event loop, as {@code Async.run} would run it,
 * with the loop's debug mode on. The body may {@code await}; an {@link io.github.asyncio4j.EventLoop} parameter
 * receives the loop.
 *
 * <pre>{@code
 * @AsyncioTest
 * void echoes() {
 *     assertThat(await(echo("hi"))).isEqualTo("hi");
 * }
 * }</pre>
 *
 * <p>Besides its own assertions, the test fails when it leaves tasks running, when an exception of a future or
 * task was never retrieved, when a coroutine was never awaited, or when anything else reached the loop's
 * exception handler; the failure names the task or coroutine.
 *
 * <p>{@code @AsyncioTest(virtualTime = true)} runs it on virtual time instead (see {@link #virtualTime()}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Test
@ExtendWith(AsyncioExtension.class)
public @interface AsyncioTest {
    /**
     * Runs the test on a virtual clock that jumps to the next timer whenever every task waits on one
     * ({@link io.github.asyncio4j.VirtualClock#autojumping()}), so {@code await(sleep(3600))} takes no real time
     * and timeouts fire in an order that does not depend on the machine's speed.
     */
    boolean virtualTime() default false;
}
