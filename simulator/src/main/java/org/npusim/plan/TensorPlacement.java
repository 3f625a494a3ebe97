// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import org.npusim.npu.StreamPlacement;
import org.npusim.npu.TensorFormat;

/** Where a feature map lives (the channel the NPU reaches it through) and its storage format. */
public record TensorPlacement(Channel channel, TensorFormat format) {

    /** Returns the placement in the form the cost model takes. */
    public StreamPlacement stream() {
        return new StreamPlacement(channel.timing(), format);
    }
}
