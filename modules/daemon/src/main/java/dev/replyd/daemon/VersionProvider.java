package dev.replyd.daemon;

import picocli.CommandLine.IVersionProvider;

/** Reports the version Maven wrote into the jar manifest ("dev" when run from classes). */
final class VersionProvider implements IVersionProvider {
  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "replyd " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
    };
  }
}
