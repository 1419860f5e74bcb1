/**
 * Reply-text extraction: from a MIME message to the text the person actually wrote.
 *
 * <p>Public surface: {@link dev.replyd.extract.MessageBody} (body selection and decoding),
 * {@link dev.replyd.extract.ReplyExtractor} (quote, header, signature and footer trimming),
 * {@link dev.replyd.extract.ReplyText} and {@link dev.replyd.extract.Removal} (the result and
 * what was cut, for auditing), and {@link dev.replyd.extract.ReplyCorpusBench} (the benchmark
 * runner behind {@code scripts/bench reply-corpus}). Every other class is package-private.
 */
package dev.replyd.extract;
