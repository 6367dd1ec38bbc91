/** {@code @AsyncioTest}: JUnit 5 tests whose body is the main coroutine of a fresh asyncio4j event loop. */
module io.github.asyncio4j.junit {
    requires transitive io.github.asyncio4j;
    requires transitive org.junit.jupiter.api;

    exports io.github.asyncio4j.junit;
}
