// SPDX-License-Identifier: Apache-2.0
/**
 * Vela-compiled models: the {@code ethos-u} custom operator Arm Vela writes into a .tflite file, its driver
 * payload and the Ethos-U register command stream inside it, decoded into one record per NPU kernel command
 * (CONV, DEPTHWISE, POOL, ELEMENTWISE, DMA) with the register state that defines it; and the execution plan that
 * runs those commands as compiled (block configs, weight streams and memory regions taken from the stream, not
 * chosen by {@link org.npusim.plan.Planner}).
 *
 * <p>Sources of the format: Vela's {@code npu_serialisation.py} (which operator input holds what),
 * {@code driver_actions.py} (the {@code COP1} driver payload), {@code register_command_stream_generator.py} (the
 * command words and how each register field is encoded) and {@code ethos_u55_regs/ethos_u55_regs.py} (opcodes and
 * field layouts); Arm's ethos-u-core-driver {@code ethosu_driver.c: ethosu_invoke} (how the driver walks the
 * payload). Every number read from the payload is checked before it is used: a malformed or truncated payload is
 * one {@link org.npusim.errors.InputException} naming the operator input and the word.
 */
package org.npusim.cmdstream;
