package dev.replyd.smtp;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/** Sends through Jakarta Mail's own SMTP transport (Angus Mail), as a typical Java MUA/MTA would. */
final class JakartaMailClient {

    private JakartaMailClient() {
    }

    static Session session(int port, boolean startTls) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", Integer.toString(port));
        properties.put("mail.smtp.localhost", "client.example.org");
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "10000");
        if (startTls) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
            properties.put("mail.smtp.ssl.trust", "*");
            properties.put("mail.smtp.ssl.checkserveridentity", "false");
        }
        return Session.getInstance(properties);
    }

    static MimeMessage message(Session session, String from, String subject, String text, String... to)
            throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        for (String recipient : to) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        }
        message.setSubject(subject, "UTF-8");
        message.setText(text, "UTF-8");
        message.saveChanges();
        return message;
    }

    /**
     * One plain-text message from {@code from} to {@code to} over a fresh session without TLS to
     * 127.0.0.1:{@code port}; returns the server's last reply (the answer to the final dot).
     */
    static String send(int port, String from, String subject, String text, String... to) throws MessagingException {
        Session session = session(port, false);
        return send(session, message(session, from, subject, text, to));
    }

    /** Sends and returns the server's last reply (the answer to the final dot). */
    static String send(Session session, MimeMessage message) throws MessagingException {
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, message.getAllRecipients());
            return transport.getLastServerResponse().trim();
        }
    }
}
