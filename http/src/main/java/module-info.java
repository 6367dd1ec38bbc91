/** asyncio4j's HTTP/1.1 client (with a keep-alive pool) and small HTTP/1.1 server, on asyncio4j streams. */
module io.github.asyncio4j.http {
    requires transitive io.github.asyncio4j;
    requires com.aayushatharva.brotli4j;
    requires com.github.luben.zstd_jni;

    exports io.github.asyncio4j.http;
}
