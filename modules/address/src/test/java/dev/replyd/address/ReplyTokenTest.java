package dev.replyd.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplyTokenTest {

    @Test
    void tokenKeepsItsKindAndIds() {
        ReplyToken token = new ReplyToken("mr", 0, Long.MAX_VALUE);

        assertThat(token.kind()).isEqualTo("mr");
        assertThat(token.thread()).isZero();
        assertThat(token.user()).isEqualTo(Long.MAX_VALUE);
        assertThat(token).isEqualTo(new ReplyToken("mr", 0, Long.MAX_VALUE));
    }

    @Test
    void kindThatIsNotLowercaseLettersIsRefusedWithTheValue() {
        assertThatThrownBy(() -> new ReplyToken("I", 1, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kind 'I' is not lowercase letters (expected: one or more of a-z, e.g. i)");
        assertThatThrownBy(() -> new ReplyToken("\u0131", 1, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kind '\\u0131' is not lowercase letters (expected: one or more of a-z, e.g. i)");
        assertThatThrownBy(() -> new ReplyToken(null, 1, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kind is missing (expected: lowercase letters a-z, e.g. i)");
    }

    @Test
    void negativeIdsAreRefusedByName() {
        assertThatThrownBy(() -> new ReplyToken("i", -1, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("thread is -1 (expected: >= 0)");
        assertThatThrownBy(() -> new ReplyToken("i", 1, Long.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("user is -9223372036854775808 (expected: >= 0)");
    }
}
