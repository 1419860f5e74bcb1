package dev.replyd.smtp;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.reactivestreams.Publisher;

/**
 * The MetricFactory James's command handlers require; replyd publishes its SMTP figures through its
 * own {@code mail} log and daemon metrics, so these timers and counters are measured but not exported.
 *
 * <p>Contract: {@code metrics-api} 3.8.1 ships no implementation. Counters count, timers measure the
 * elapsed time; publisher decorators return their input unchanged.
 *
 * <p>Thread-safety: shared by all sessions; counters are atomic, timers are per call.
 */
final class NoopMetricFactory implements MetricFactory {

    @Override
    public Metric generate(String name) {
        return new CountingMetric();
    }

    @Override
    public TimeMetric timer(String name) {
        long start = System.nanoTime();
        return new TimeMetric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ExecutionResult stopAndPublish() {
                return new Elapsed(Duration.ofNanos(System.nanoTime() - start));
            }
        };
    }

    @Override
    public <T> Publisher<T> decoratePublisherWithTimerMetric(String name, Publisher<T> publisher) {
        return publisher;
    }

    /** Required by the interface although deprecated there. */
    @Deprecated
    @Override
    public <T> Publisher<T> decoratePublisherWithTimerMetricLogP99(String name, Publisher<T> publisher) {
        return publisher;
    }

    private static final class CountingMetric implements Metric {
        private final AtomicLong count = new AtomicLong();

        @Override
        public void increment() {
            count.incrementAndGet();
        }

        @Override
        public void decrement() {
            count.decrementAndGet();
        }

        @Override
        public void add(int value) {
            count.addAndGet(value);
        }

        @Override
        public void remove(int value) {
            count.addAndGet(-value);
        }

        @Override
        public long getCount() {
            return count.get();
        }
    }

    private record Elapsed(Duration elasped) implements TimeMetric.ExecutionResult {
        /** Required by the interface although deprecated there. */
        @Deprecated
        @Override
        public TimeMetric.ExecutionResult logWhenExceedP99(Duration threshold) {
            return this;
        }
    }
}
