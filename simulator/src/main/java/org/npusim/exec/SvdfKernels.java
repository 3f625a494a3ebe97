// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

final class SvdfKernels {

    private SvdfKernels() {}

    static Step svdf(OpBinding b) {
        throw b.fail("not supported yet");
    }
}
