// SPDX-License-Identifier: Apache-2.0
/**
 * The project's JSON layout (two-space indent, '\n' line ends, numbers with 9 significant digits), shared by every
 * writer of JSON: results, analyses, sweeps, comparisons and the resolved hardware description. It depends on
 * Jackson alone, so that any package may write JSON without depending on the report writers.
 */
package org.npusim.json;
