package org.fairrush.load;

import java.time.Duration;

/**
 * Where the service is and how big a run is, from system properties (passed with -D to Maven; the
 * Gatling plugin hands them to the simulation's JVM). Defaults suit a local development stack.
 */
final class Settings {

    private Settings() {
    }

    /** -Dfairrush.baseUrl, default http://localhost:8080. */
    static String baseUrl() {
        return stripSlash(System.getProperty("fairrush.baseUrl", "http://localhost:8080"));
    }

    /**
     * -Dfairrush.tokenUrl: an endpoint answering {@code POST {"subject","roles"} -> {"token"}}; by default
     * the development stack's token issuer (docs/design.md section 7).
     */
    static String tokenUrl() {
        return System.getProperty("fairrush.tokenUrl", baseUrl() + "/api/v1/dev/tokens");
    }

    static int number(String name, int fallback) {
        return Integer.getInteger(name, fallback);
    }

    static double decimal(String name, double fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : Double.parseDouble(value);
    }

    static boolean flag(String name, boolean fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : Boolean.parseBoolean(value);
    }

    static Duration seconds(String name, int fallback) {
        return Duration.ofSeconds(number(name, fallback));
    }

    /** A short id that keeps the actors of one run apart from those of earlier runs on the same stack. */
    static String runId() {
        return Long.toString(System.currentTimeMillis(), 36);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
