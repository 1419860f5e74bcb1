package dev.replyd.address;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one way replyd exchanges a request with the main app (a callback, diagnose's ping): the whole
 * exchange, body included, awaited within a deadline, and of the response body only a bounded excerpt.
 *
 * <p>Contract: {@link #send} starts the exchange; {@link #await} returns the response, whose body is the
 * first {@code keepBytes} bytes decoded as UTF-8 (malformed sequences replaced); the rest is discarded,
 * and once {@code drainLimit} bytes were seen the connection is closed instead of drained. A caller that
 * gives up (its deadline passed, an error, an interrupt) calls {@link #abandon}: the body read ends and the
 * connection is closed, never reused. The text is the main app's: callers escape it before it reaches a
 * log line or a terminal.
 *
 * <p>Thread-safety: one caller per exchange; the HTTP client signals the body subscriber one signal at a
 * time (Reactive Streams rule 1.3), and {@link #abandon} may come from any thread.
 */
public final class ResponseExcerpt {

    private final CompletableFuture<HttpResponse<String>> exchange;
    private final AtomicReference<Subscriber> reading;

    private ResponseExcerpt(CompletableFuture<HttpResponse<String>> exchange, AtomicReference<Subscriber> reading) {
        this.exchange = exchange;
        this.reading = reading;
    }

    /** Sends {@code request} through {@code client}, keeping at most {@code keepBytes} of the answer's body. */
    public static ResponseExcerpt send(HttpClient client, HttpRequest request, int keepBytes, long drainLimit) {
        if (keepBytes < 0 || drainLimit < keepBytes) {
            throw new IllegalArgumentException("keepBytes " + keepBytes + " must be >= 0 and <= drainLimit " + drainLimit);
        }
        AtomicReference<Subscriber> reading = new AtomicReference<>();
        CompletableFuture<HttpResponse<String>> exchange = client.sendAsync(request, info -> {
            Subscriber subscriber = new Subscriber(keepBytes, drainLimit);
            reading.set(subscriber);
            return subscriber;
        });
        return new ResponseExcerpt(exchange, reading);
    }

    /** The response, once the whole exchange ended within {@code timeout}; the caller abandons it otherwise. */
    public HttpResponse<String> await(Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        return exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Gives up on the exchange: the body read ends and the connection is closed, never reused. */
    public void abandon() {
        Subscriber subscriber = reading.get();
        if (subscriber != null) {
            subscriber.abandon();
        }
        exchange.cancel(true);
    }

    /** Keeps the first bytes of a body, discards the rest, gives up after the drain limit. */
    private static final class Subscriber implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        private final byte[] head;
        private final long drainLimit;
        private int kept;
        private long seen;

        Subscriber(int keepBytes, long drainLimit) {
            this.head = new byte[keepBytes];
            this.drainLimit = drainLimit;
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (!subscription.compareAndSet(null, s)) {
                s.cancel();
                return;
            }
            if (result.isDone()) {
                s.cancel(); // abandoned before the body started
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), head.length - kept);
                buffer.get(head, kept, take);
                kept += take;
                seen += take + buffer.remaining();
            }
            if (seen >= drainLimit) {
                subscription.get().cancel();
                complete();
            } else {
                subscription.get().request(1);
            }
        }

        @Override
        public void onError(Throwable failure) {
            result.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            complete();
        }

        private void complete() {
            result.complete(new String(head, 0, kept, StandardCharsets.UTF_8));
        }

        /** Ends the read now: the body future fails and the subscription (so the connection) is cancelled. */
        void abandon() {
            result.completeExceptionally(new IOException("abandoned"));
            Flow.Subscription s = subscription.get();
            if (s != null) {
                s.cancel();
            }
        }
    }
}
