// SPDX-License-Identifier: Apache-2.0
package org.npusim.result;

/** Weight bytes before and after the Ethos-U weight encoding (scale records included in the encoded size). */
public record WeightSizes(long originalBytes, long encodedBytes) {

    public static final WeightSizes NONE = new WeightSizes(0, 0);

    public WeightSizes plus(WeightSizes o) {
        return new WeightSizes(originalBytes + o.originalBytes, encodedBytes + o.encodedBytes);
    }
}
