package dev.replyd.smtp;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.handler.ProtocolHandlerChain;
import org.apache.james.protocols.smtp.SMTPConfiguration;
import org.apache.james.protocols.smtp.SMTPProtocol;

/**
 * James's SMTP protocol, creating {@link ReceptionSession}s instead of plain SMTPSessionImpl.
 *
 * <p>Thread-safety: immutable; shared by all connections.
 */
final class ReceptionProtocol extends SMTPProtocol {

    ReceptionProtocol(ProtocolHandlerChain chain, SMTPConfiguration configuration) {
        super(chain, configuration);
    }

    @Override
    public ProtocolSession newSession(ProtocolTransport transport) {
        return new ReceptionSession(transport, (SMTPConfiguration) getConfiguration());
    }
}
