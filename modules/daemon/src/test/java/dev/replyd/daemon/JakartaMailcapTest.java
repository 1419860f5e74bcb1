package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.activation.CommandMap;
import jakarta.activation.MailcapCommandMap;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JakartaMailcapTest {
  private final CommandMap original = CommandMap.getDefaultCommandMap();

  @AfterEach
  void restore() {
    CommandMap.setDefaultCommandMap(original);
  }

  @TempDir Path home;

  @Test
  void jakartaHandlersWinOverJavaxMailsMailcap() throws Exception {
    // The daemon's classpath holds javax.mail (for James Protocols), whose mailcap may be read
    // before Angus's. A user mailcap naming javax.mail's handler is read before both: the same hazard.
    Files.writeString(home.resolve(".mailcap"), "text/plain;; x-java-content-handler=com.sun.mail.handlers.text_plain\n");
    String userHome = System.getProperty("user.home");
    System.setProperty("user.home", home.toString());
    try {
      assertThat(new MailcapCommandMap().getAllCommands("text/plain")[0].getCommandClass())
          .as("the hazard is real").isEqualTo("com.sun.mail.handlers.text_plain");
      JakartaMailcap.install();
    } finally {
      System.setProperty("user.home", userHome);
    }

    var handler = CommandMap.getDefaultCommandMap().createDataContentHandler("text/plain");
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setText("héllo", "UTF-8");
    m.saveChanges();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);

    assertThat(handler.getClass().getName()).isEqualTo("org.eclipse.angus.mail.handlers.text_plain");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Content-Type: text/plain; charset=UTF-8");
  }
}
