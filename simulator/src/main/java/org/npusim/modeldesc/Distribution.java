// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

/** The distributions weights are drawn from, all with mean 0 and a chosen standard deviation. */
enum Distribution {
    NORMAL,
    UNIFORM,
    LAPLACE;

    /** Returns the spelling in model descriptions. */
    String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
