// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import java.util.List;
import org.npusim.errors.InputException;

/**
 * Every error of a hardware description, found in one pass. The exception's own message is the first error, so
 * code that shows one line still shows a useful one; {@link #messages()} gives all of them, one line each, which
 * the command line prints before exiting with code 2.
 */
public final class HardwareConfigException extends InputException {

    private final List<InputException> errors;

    /** Creates the exception from at least one error. */
    public HardwareConfigException(List<InputException> errors) {
        super(errors.get(0).file(), errors.get(0).place(), errors.get(0).problem());
        this.errors = List.copyOf(errors);
    }

    /** Returns every error, in the order found. */
    public List<InputException> errors() {
        return errors;
    }

    @Override
    public List<String> messages() {
        return errors.stream().map(InputException::getMessage).toList();
    }
}
