package dev.mcugen.scale;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The variables (tensors) and contracts of one model, as the recipes declare them. */
public final class ContractSystem {
    private final Map<String, TensorSpec> tensors = new LinkedHashMap<>();
    private final List<Contract> contracts = new ArrayList<>();

    /** Declares a tensor; declaring the same name twice with a different spec is a bug. */
    public ContractSystem tensor(TensorSpec spec) {
        TensorSpec old = tensors.putIfAbsent(spec.name(), spec);
        if (old != null && !old.equals(spec)) {
            throw new IllegalStateException("tensor '" + spec.name() + "' declared twice: " + old + " / " + spec);
        }
        return this;
    }

    public ContractSystem add(Contract c) {
        for (String t : c.tensors()) {
            if (!tensors.containsKey(t)) {
                throw new IllegalStateException("contract " + c + " names undeclared tensor '" + t + "'");
            }
        }
        contracts.add(c);
        return this;
    }

    public Map<String, TensorSpec> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    public List<Contract> contracts() {
        return Collections.unmodifiableList(contracts);
    }
}
