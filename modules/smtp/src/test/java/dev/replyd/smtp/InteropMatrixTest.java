package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/interop.md names, in each row, the test that proves it: every one must exist and be a test. */
class InteropMatrixTest {

    private static final Pattern CELL = Pattern.compile("`([A-Z][A-Za-z0-9]+)#([a-z][A-Za-z0-9]+)`");

    @Test
    void everyCellOfTheInteropMatrixNamesAnExistingTest() throws Exception {
        // given
        Path matrix = Path.of("../../docs/interop.md");
        List<String> rows = Files.readAllLines(matrix).stream().filter(line -> line.startsWith("| ")
                && !line.startsWith("| peer")).toList();

        // when
        List<String> missing = new ArrayList<>();
        for (String row : rows) {
            Matcher cell = CELL.matcher(row);
            if (!cell.find()) {
                missing.add("no test named in: " + row);
                continue;
            }
            Class<?> type = Class.forName("dev.replyd.smtp." + cell.group(1));
            boolean found = false;
            for (Method method : type.getDeclaredMethods()) {
                found |= method.getName().equals(cell.group(2)) && method.isAnnotationPresent(Test.class);
            }
            if (!found) {
                missing.add(cell.group(1) + "#" + cell.group(2));
            }
        }

        // then
        assertThat(rows).as("rows of docs/interop.md").hasSizeGreaterThanOrEqualTo(10);
        assertThat(missing).as("cells of docs/interop.md without their test").isEmpty();
        assertThat(String.join("\n", rows)).contains("Postfix", "Exim", "swaks", "smtplib", "Jakarta Mail");
    }
}
