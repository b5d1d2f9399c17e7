package dev.mcugen.gen;

import java.util.List;

/**
 * What the generator needs besides the quantized model.
 *
 * @param id      C identifier prefix of every generated name ({@code <id>_invoke}, ...)
 * @param banner  extra banner lines (model source hash, options), printed as given
 */
public record GenOptions(String id, List<String> banner) {
    public GenOptions {
        if (!id.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("'" + id + "' is not a C identifier");
        }
        banner = List.copyOf(banner);
    }
}
