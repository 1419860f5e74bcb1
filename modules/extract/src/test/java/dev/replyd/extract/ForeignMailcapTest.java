package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.activation.ActivationDataFlavor;
import jakarta.activation.CommandMap;
import jakarta.activation.DataContentHandler;
import jakarta.activation.DataSource;
import jakarta.activation.MailcapCommandMap;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's classpath also holds javax.mail (for James Protocols), whose mailcap may win and map
 * multipart/* to a handler Jakarta Mail cannot use. Body selection must not depend on the mailcap.
 */
class ForeignMailcapTest {
  private final CommandMap original = CommandMap.getDefaultCommandMap();

  /** Stands in for a handler from the wrong mail API: any use of it fails. */
  public static final class UnusableHandler implements DataContentHandler {
    @Override
    public ActivationDataFlavor[] getTransferDataFlavors() {
      throw new IllegalStateException("foreign mailcap handler used");
    }

    @Override
    public Object getTransferData(ActivationDataFlavor flavor, DataSource ds) {
      throw new IllegalStateException("foreign mailcap handler used");
    }

    @Override
    public Object getContent(DataSource ds) {
      throw new ClassCastException("foreign mailcap handler used");
    }

    @Override
    public void writeTo(Object obj, String mimeType, OutputStream os) {
      throw new IllegalStateException("foreign mailcap handler used");
    }
  }

  @AfterEach
  void restore() {
    CommandMap.setDefaultCommandMap(original);
  }

  @Test
  void multipartBodiesAreFoundWhateverTheMailcapSays() throws Exception {
    MailcapCommandMap foreign = new MailcapCommandMap();
    foreign.addMailcap("multipart/*;; x-java-content-handler=" + UnusableHandler.class.getName());
    foreign.addMailcap("text/plain;; x-java-content-handler=" + UnusableHandler.class.getName());
    CommandMap.setDefaultCommandMap(foreign);
    String mail = "From: a@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/alternative; boundary=b\r\n\r\n"
        + "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain reply\r\n"
        + "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML reply</p>\r\n--b--\r\n";

    try (MessageBody body = MessageBody.read(new ByteArrayInputStream(mail.getBytes(StandardCharsets.UTF_8)))) {
      assertThat(body.plain()).hasValue("Plain reply");
      assertThat(body.html()).hasValueSatisfying(h -> assertThat(h).contains("HTML reply"));
    }
  }
}
