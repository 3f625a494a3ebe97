// SPDX-License-Identifier: Apache-2.0
package org.npusim.result;

/** Where a layer ran. */
public enum Unit {
    NPU,
    CPU;

    public String label() {
        return this == NPU ? "npu" : "cpu";
    }
}
