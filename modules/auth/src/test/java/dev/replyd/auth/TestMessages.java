package dev.replyd.auth;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.api.BodyHasher;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.exceptions.FailException;

/**
 * Builds stored-message files the way replyd writes them (trace fields, then the message as received)
 * and signs messages with jDKIM's signer. The signer is given the header fields as the test wrote them,
 * not as {@link dev.replyd.maildir.HeaderSection} reads them back, so reading and verifying are checked independently.
 */
final class TestMessages {

    static final String TRACE = "Return-Path: <%s>\r\n"
            + "Delivered-To: reply+i-1-0123456789abcdef0123456789abcdef01234567-5@reply.test\r\n"
            + "Received: from mail.example.com (unknown [192.0.2.10])\r\n"
            + "\tby reply.test (replyd) with ESMTP id 0A1B2C3D4E5F\r\n"
            + "\tfor <reply+i-1-0123456789abcdef0123456789abcdef01234567-5@reply.test>; Sat, 28 Nov 2026 01:02:03 +0000\r\n";

    private TestMessages() {
    }

    static KeyPair rsaKey() {
        return rsaKey(2048);
    }

    static KeyPair rsaKey(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The TXT record publishing {@code key} at {@code <selector>._domainkey.<domain>} (RFC 6376 3.6.1). */
    static String keyRecord(KeyPair key) {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getPublic().getEncoded());
    }

    /** A typical reply: From, To, Subject, Date, Message-ID, each field a line ending in CRLF. */
    static List<String> replyFields(String from) {
        return new ArrayList<>(List.of(
                "From: Alice Example <" + from + ">",
                "To: reply+i-1-0123456789abcdef0123456789abcdef01234567-5@reply.test",
                "Subject: Re: [tracker] Issue #1: login page broken",
                "Date: Sat, 28 Nov 2026 01:00:00 +0000",
                "Message-ID: <20261128010000.abc@" + from.substring(from.indexOf('@') + 1) + ">"));
    }

    static final String BODY = "Thanks, that fixed it.\r\n\r\nOn Fri, the tracker wrote:\r\n> Please try again.\r\n";

    /**
     * The DKIM-Signature field (one line, no CRLF) for {@code fields} + {@code body}, relaxed/relaxed,
     * rsa-sha256, signing the given header names.
     */
    static String sign(List<String> fields, String body, String domain, String selector, KeyPair key,
            String signedHeaders) throws IOException, FailException {
        String template = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector
                + "; h=" + signedHeaders + "; bh=; b=;";
        DKIMSigner signer = new DKIMSigner(template, key.getPrivate());
        BodyHasher hasher = signer.newBodyHasher(signer.newSignatureRecordTemplate(template));
        try (OutputStream out = hasher.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        return signer.sign(new ListedHeaders(fields), hasher);
    }

    static String sign(List<String> fields, String body, String domain, String selector, KeyPair key)
            throws IOException, FailException {
        return sign(fields, body, domain, selector, key, "from:to:subject:date:message-id");
    }

    /** A stored file's content: replyd's trace fields, then the fields and the body. */
    static String stored(String returnPath, List<String> fields, String body) {
        StringBuilder message = new StringBuilder(String.format(TRACE, returnPath));
        for (String field : fields) {
            message.append(field).append("\r\n");
        }
        return message.append("\r\n").append(body).toString();
    }

    /** Header fields as the test wrote them, for the signer. */
    private static final class ListedHeaders implements Headers {
        private final List<String> fields;

        ListedHeaders(List<String> fields) {
            this.fields = fields;
        }

        @Override
        public List<String> getFields() {
            return fields;
        }

        @Override
        public List<String> getFields(String name) {
            List<String> matching = new ArrayList<>();
            for (String field : fields) {
                if (field.substring(0, field.indexOf(':')).toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    matching.add(field);
                }
            }
            return matching;
        }
    }
}
