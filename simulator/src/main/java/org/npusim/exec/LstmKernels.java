// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

final class LstmKernels {

    private LstmKernels() {}

    static Step sequenceLstm(OpBinding b) {
        throw b.fail("not supported yet");
    }
}
