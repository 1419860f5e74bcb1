package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class CommonPoolParallelismTest {
  private static final String KEY = "java.util.concurrent.ForkJoinPool.common.parallelism";

  @Test
  void onTwoCoresTheCommonPoolGetsTwoThreads() {
    Properties properties = new Properties();

    Main.keepAsyncStagesInThePool(properties, 2);

    assertThat(properties.getProperty(KEY)).isEqualTo("2");
  }

  @Test
  void onOneCoreTheCommonPoolGetsTwoThreads() {
    Properties properties = new Properties();

    Main.keepAsyncStagesInThePool(properties, 1);

    assertThat(properties.getProperty(KEY)).isEqualTo("2");
  }

  @Test
  void onMoreCoresTheJdkDefaultIsLeftAlone() {
    Properties properties = new Properties();

    Main.keepAsyncStagesInThePool(properties, 3);

    assertThat(properties.getProperty(KEY)).isNull();
  }

  @Test
  void anExplicitSettingIsKept() {
    Properties properties = new Properties();
    properties.setProperty(KEY, "1");

    Main.keepAsyncStagesInThePool(properties, 2);

    assertThat(properties.getProperty(KEY)).isEqualTo("1");
  }
}
