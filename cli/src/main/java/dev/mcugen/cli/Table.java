package dev.mcugen.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with left-aligned text and right-aligned numbers. */
final class Table {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        this.header = header;
    }

    void row(String... cells) {
        rows.add(cells);
    }

    void print(PrintWriter out) {
        int[] w = new int[header.length];
        boolean[] numeric = new boolean[header.length];
        java.util.Arrays.fill(numeric, true);
        for (int c = 0; c < header.length; c++) {
            w[c] = header[c].length();
            for (String[] r : rows) {
                w[c] = Math.max(w[c], r[c].length());
                if (!r[c].isEmpty() && !r[c].matches("[-+0-9.,eE]+(/step)?|n/a")) {
                    numeric[c] = false;
                }
            }
        }
        line(out, header, w, numeric);
        for (String[] r : rows) {
            line(out, r, w, numeric);
        }
    }

    private static void line(PrintWriter out, String[] cells, int[] w, boolean[] numeric) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String pad = " ".repeat(w[c] - cells[c].length());
            sb.append(numeric[c] ? pad + cells[c] : cells[c] + pad);
            if (c < cells.length - 1) {
                sb.append("  ");
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
