package io.github.asyncio4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.junit.AsyncioTest;

/** {@link Http2Pool.Opened}'s written-out equals and hashCode keep a record's contract: equal components, equal. */
class Http2PoolOpenedTest {
    @AsyncioTest
    void equalWhenTheComponentsAreTheSameAndOnlyThen() {
        Task<Void> a = Async.createTask(Coroutine.of(() -> null));
        Task<Void> b = Async.createTask(Coroutine.of(() -> null));
        Http2Pool.Opened one = new Http2Pool.Opened(null, a, null);
        Http2Pool.Opened copy = new Http2Pool.Opened(one.http2(), one.reader(), one.http1());

        assertThat(one).isEqualTo(copy).hasSameHashCodeAs(copy).isEqualTo(one);
        assertThat(one).isNotEqualTo(new Http2Pool.Opened(null, b, null)).isNotEqualTo(null).isNotEqualTo(a);
        assertThat(new Http2Pool.Opened(null, null, null)).isEqualTo(new Http2Pool.Opened(null, null, null))
                .isNotEqualTo(one);
        Async.await(a);
        Async.await(b);
    }
}
