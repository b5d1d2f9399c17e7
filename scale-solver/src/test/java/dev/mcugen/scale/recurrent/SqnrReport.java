package dev.mcugen.scale.recurrent;

import java.util.Map;
import java.util.TreeMap;

/** Collects measured SQNR figures of a test class and prints them as one table when it ends. */
final class SqnrReport {
    private final String title;
    private final Map<String, String> rows = new TreeMap<>();

    SqnrReport(String title) {
        this.title = title;
    }

    synchronized void add(String row, String column, double db) {
        rows.merge(row, String.format("%s %6.1f dB", column, db), (a, b) -> a + "   " + b);
    }

    synchronized void addPercent(String row, String column, double fraction) {
        rows.merge(row, String.format("%s %6.1f %%", column, 100 * fraction), (a, b) -> a + "   " + b);
    }

    synchronized void print() {
        StringBuilder sb = new StringBuilder("\n== " + title + " ==\n");
        rows.forEach((k, v) -> sb.append(String.format("%-44s %s%n", k, v)));
        System.out.print(sb);
    }
}
