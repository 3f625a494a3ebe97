// SPDX-License-Identifier: Apache-2.0
/**
 * YAML syntax shared by the hardware and model description readers: the parser, the features refused (aliases,
 * tags), and syntax errors in one line of words.
 */
package org.npusim.yamlsyntax;
