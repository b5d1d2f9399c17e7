package dev.mcugen.scale;

/**
 * Disjoint sets over {@code 0..n-1} whose representative is always the smallest index of its set,
 * so that groups of equal-scale tensors are named and ordered by their first-declared member
 * (the solver's determinism rests on it).
 */
final class UnionFind {
    private final int[] parent;

    UnionFind(int n) {
        parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
    }

    int find(int i) {
        int root = i;
        while (parent[root] != root) {
            root = parent[root];
        }
        while (parent[i] != root) { // path compression
            int next = parent[i];
            parent[i] = root;
            i = next;
        }
        return root;
    }

    /** Joins the sets of {@code a} and {@code b}; the smaller root represents the union. */
    void union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }
}
