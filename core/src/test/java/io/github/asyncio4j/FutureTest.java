package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FutureTest {
    final EventLoop loop = EventLoop.create();

    @AfterEach
    void close() {
        loop.close();
    }

    private void runOneIteration() {
        loop.callSoon(loop::stop);
        loop.runForever();
    }

    @Test
    void resultBeforeDoneIsAnInvalidStateError() {
        Future<String> f = loop.createFuture();
        assertThat(f.isDone()).isFalse();
        assertThatThrownBy(f::result).isInstanceOf(InvalidStateError.class).hasMessageContaining("not ready");
        assertThatThrownBy(f::exception).isInstanceOf(InvalidStateError.class);
    }

    @Test
    void aResultCanBeSetOnce() {
        Future<String> f = loop.createFuture();
        f.setResult("x");
        assertThat(f.isDone()).isTrue();
        assertThat(f.result()).isEqualTo("x");
        assertThat(f.exception()).isNull();
        assertThatThrownBy(() -> f.setResult("y")).isInstanceOf(InvalidStateError.class);
        assertThatThrownBy(() -> f.setException(new IOException())).isInstanceOf(InvalidStateError.class);
        assertThat(f.cancel()).isFalse();
    }

    @Test
    void anExceptionIsRethrownAsIs() {
        Future<String> f = loop.createFuture();
        IOException e = new IOException("io");
        f.setException(e);
        assertThatThrownBy(f::result).isSameAs(e);
        assertThat(f.exception()).isSameAs(e);
        assertThatThrownBy(() -> loop.createFuture().setException(new StopIteration(null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cancelMakesResultRaiseCancelledErrorWithTheMessage() {
        Future<String> f = loop.createFuture();
        assertThat(f.cancel("because")).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThat(f.isDone()).isTrue();
        assertThatThrownBy(f::result).isInstanceOf(CancelledError.class).hasMessage("because");
        assertThatThrownBy(f::exception).isInstanceOf(CancelledError.class);
        assertThatThrownBy(() -> f.setResult("late")).isInstanceOf(InvalidStateError.class);
    }

    @Test
    void doneCallbacksRunViaCallSoonInRegistrationOrder() {
        Future<String> f = loop.createFuture();
        List<String> log = new ArrayList<>();
        f.addDoneCallback(x -> log.add("first " + x.result()));
        f.addDoneCallback(x -> log.add("second"));
        f.setResult("r");
        assertThat(log).isEmpty(); // never inline
        runOneIteration();
        assertThat(log).containsExactly("first r", "second");
        f.addDoneCallback(x -> log.add("after done"));
        assertThat(log).hasSize(2);
        runOneIteration();
        assertThat(log).containsExactly("first r", "second", "after done");
    }

    @Test
    void removeDoneCallbackRemovesEveryRegistration() {
        Future<String> f = loop.createFuture();
        List<String> log = new ArrayList<>();
        Consumer<Future<String>> cb = x -> log.add("cb");
        f.addDoneCallback(cb);
        f.addDoneCallback(x -> log.add("other"));
        f.addDoneCallback(cb);
        assertThat(f.removeDoneCallback(cb)).isEqualTo(2);
        assertThat(f.removeDoneCallback(cb)).isZero();
        f.cancel();
        runOneIteration();
        assertThat(log).containsExactly("other");
    }

    @Test
    void awaitingAFutureSuspendsUntilItIsDone() {
        Future<Integer> f = loop.createFuture();
        loop.callLater(0.005, () -> f.setResult(7));
        assertThat(loop.runUntilComplete(Coroutine.of(() -> await(f) * 6))).isEqualTo(42);
        // an already-done future does not suspend
        assertThat(loop.runUntilComplete(Coroutine.of(() -> await(f)))).isEqualTo(7);
    }

    @Test
    void awaitingOutsideATaskIsAnErrorNotAHang() {
        Future<Integer> f = loop.createFuture();
        assertThatThrownBy(() -> await(f)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a running task");
    }

    @Test
    void toStringShowsTheState() {
        Future<Integer> f = loop.createFuture();
        assertThat(f.toString()).isEqualTo("<Future pending>");
        f.setResult(3);
        assertThat(f.toString()).isEqualTo("<Future finished result=3>");
    }
}
