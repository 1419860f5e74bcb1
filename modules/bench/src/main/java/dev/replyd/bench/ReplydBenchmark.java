package dev.replyd.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How every JMH benchmark of this module is run, in one place: average time per call, three
 * warm-up and five measured iterations of one second each, in one forked JVM, reported in
 * microseconds. The figures in {@code docs/performance.md} were taken this way.
 *
 * <p>JMH's run annotations are {@code @Inherited}: a benchmark extends this class and states only
 * what differs (its own {@code @State}, or a finer {@code @OutputTimeUnit}). Holds no state.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
abstract class ReplydBenchmark {
}
