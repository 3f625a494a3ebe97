// SPDX-License-Identifier: Apache-2.0
/**
 * The exception for bad input: a file, a place in it, and what was expected. The command line turns it into one
 * line on stderr and exit code 2; anything else that escapes is an internal error (exit code 1).
 */
package org.npusim.errors;
