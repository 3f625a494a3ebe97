// SPDX-License-Identifier: Apache-2.0
/**
 * The self-contained HTML report of a run: one file with its styles, its script and its data inline (no network
 * access), drawing its charts as SVG in the browser.
 */
package org.npusim.htmlreport;
