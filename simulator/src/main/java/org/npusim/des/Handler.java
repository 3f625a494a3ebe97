// SPDX-License-Identifier: Apache-2.0
package org.npusim.des;

/** The action of an event. */
@FunctionalInterface
public interface Handler {

    /** Handles an event at {@code sim.now()}; {@code arg} is the value given when it was scheduled. */
    void handle(Simulation sim, int arg);
}
