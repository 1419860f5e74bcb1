package dev.replyd.address;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one way replyd reads a main app's response body (a callback's answer, diagnose's ping answer): a
 * bounded excerpt, never the whole body.
 *
 * <p>Contract: keeps the first {@code keepBytes} bytes, discards the rest, and gives up (cancelling the
 * subscription, which closes the connection instead of draining it) once {@code drainLimit} bytes were
 * seen; completes with the kept bytes decoded as UTF-8 (malformed sequences replaced). The text is the
 * main app's: callers escape it before it reaches a log line or a terminal. {@link #abandon} ends a read
 * that took too long (the caller's deadline): the body future fails and the connection is closed.
 *
 * <p>Thread-safety: the HTTP client calls it one signal at a time (Reactive Streams rule 1.3);
 * {@link #abandon} may come from any thread.
 */
public final class ResponseExcerpt implements HttpResponse.BodySubscriber<String> {

    private final CompletableFuture<String> result = new CompletableFuture<>();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private final byte[] head;
    private final long drainLimit;
    private int kept;
    private long seen;

    public ResponseExcerpt(int keepBytes, long drainLimit) {
        if (keepBytes < 0 || drainLimit < keepBytes) {
            throw new IllegalArgumentException("keepBytes " + keepBytes + " must be >= 0 and <= drainLimit " + drainLimit);
        }
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
    public void abandon() {
        result.completeExceptionally(new IOException("abandoned"));
        Flow.Subscription s = subscription.get();
        if (s != null) {
            s.cancel();
        }
    }
}
