// SPDX-License-Identifier: Apache-2.0
/**
 * The discrete-event engine, which knows nothing of NPUs: {@code long} picosecond time on one timeline, clock
 * domains, events ordered by (time, priority, insertion sequence) so that runs are deterministic, and resources
 * with busy-until reservations. Single-threaded; no static state. Events carry a handler and an {@code int}
 * argument in primitive arrays, so scheduling allocates nothing per event.
 */
package org.npusim.des;
