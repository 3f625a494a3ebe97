// SPDX-License-Identifier: Apache-2.0
/**
 * The command line: {@code Main} and one class per subcommand, argument parsing (picocli), output files and exit
 * codes (0 success, 2 bad input, 1 internal error). The only package that prints or exits.
 */
package org.npusim.cli;
