package dev.replyd.processor;

import dev.replyd.maildir.FailureRecord;

/**
 * FailureListener - told about each message the processor has just filed under {@code incoming-mail/failure}
 * (the daemon passes the failure notices here).
 *
 * <p>CONTRACT: {@link #filed} is called once per filed failure, after the message and its reason file are in
 * place, on the worker thread that filed it, with the record the reason file holds (its
 * {@code deliveryId} is the message's file name). It must return quickly and must not block (queue any slow work);
 * the worker takes its next message only afterwards. A runtime exception it throws is logged on the
 * {@code replies} log and changes nothing: the message stays filed.
 *
 * <p>THREAD-SAFETY: implementations are called by all workers at once.
 */
@FunctionalInterface
public interface FailureListener {

  void filed(FailureRecord failure);

  /** The listener of a processor started without one: does nothing. */
  static FailureListener none() {
    return failure -> { };
  }
}
