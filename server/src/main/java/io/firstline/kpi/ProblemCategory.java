package io.firstline.kpi;

import java.util.Optional;

/** The problem category a phone-menu path points at (main/software → software), as pops and reports read it. */
public final class ProblemCategory {

    private ProblemCategory() {
    }

    public static Optional<String> ofMenuPath(String menuPath) {
        if (menuPath == null) {
            return Optional.empty();
        }
        for (String step : menuPath.split("/")) {
            switch (step) {
                case "hardware":
                    return Optional.of("hardware");
                case "software":
                    return Optional.of("software");
                case "network", "network-internet", "internet":
                    return Optional.of("network");
                default:
                    break;
            }
        }
        return Optional.empty();
    }
}
