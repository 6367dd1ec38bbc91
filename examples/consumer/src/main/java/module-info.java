/** A tiny asyncio4j application, as a named module. */
module io.github.asyncio4j.example.consumer {
    requires io.github.asyncio4j;
    requires io.github.asyncio4j.http;

    exports io.github.asyncio4j.example.consumer;
}
