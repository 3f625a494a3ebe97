// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class QuantityTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // text        | Hz: the SI prefix times the number, exactly
        "500 MHz       | 500000000",
        "62.5 MHz      | 62500000",
        "1 GHz         | 1000000000",
        "1GHz          | 1000000000",
        "400e6 Hz      | 400000000",
        "32.768 kHz    | 32768",
        " 200 MHz      | 200000000"})
    void frequencyParse_validText_exactHertz(String text, long hz) {
        assertThat(Frequency.parse(text).hz()).isEqualTo(hz);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // text    | bytes: SI prefixes are powers of 1000, binary ones powers of 1024
        "32 B      | 32",
        "2 MiB     | 2097152",
        "384 KiB   | 393216",
        "2 MB      | 2000000",
        "5.5 MiB   | 5767168",
        "1 GiB     | 1073741824",
        "1.5 kB    | 1500"})
    void dataSizeParse_validText_exactBytes(String text, long bytes) {
        assertThat(DataSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @Test
    void otherQuantities_parse_toTheirBaseUnits() {
        // 4 GB/s = 4e9 B/s; 64 ns = 64,000 ps; 8 pJ/bit = 64 pJ/B (LPDDR4, energy-parameters.md C3);
        // 4.3 nJ/B = 4300 pJ/B; 30 uA; 1.2 mA/MHz = 1200 uA/MHz; 900 mV = 0.9 V; 1 W = 1000 mW.
        assertThat(Bandwidth.parse("4 GB/s").bytesPerSecond()).isEqualTo(4_000_000_000L);
        assertThat(Duration.parse("64 ns").ps()).isEqualTo(64_000);
        assertThat(Duration.parse("1.5 us").ps()).isEqualTo(1_500_000);
        assertThat(EnergyPerByte.parse("8 pJ/bit").picojoulesPerByte()).isEqualTo(64.0);
        assertThat(EnergyPerByte.parse("4.3 nJ/B").picojoulesPerByte()).isEqualTo(4300.0);
        assertThat(Energy.parse("0.3 pJ").picojoules()).isEqualTo(0.3);
        assertThat(Current.parse("30 uA").microamps()).isEqualTo(30.0);
        assertThat(CurrentPerFrequency.parse("1.2 mA/MHz").microampsPerMegahertz()).isEqualTo(1200.0);
        assertThat(Voltage.parse("900 mV").volts()).isEqualTo(0.9);
        assertThat(Power.parse("1 W").milliwatts()).isEqualTo(1000.0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "500 mhz  | '500 mhz' has an unknown unit 'mhz' (did you mean MHz?); expected a frequency in Hz, kHz, MHz or GHz, such as '500 MHz'",
        "500      | '500' has no unit; expected a frequency in Hz, kHz, MHz or GHz, such as '500 MHz'",
        "fast     | 'fast' is not a number with a unit; expected a frequency in Hz, kHz, MHz or GHz, such as '500 MHz'",
        "-5 MHz   | '-5 MHz' is negative; expected a frequency in Hz, kHz, MHz or GHz, such as '500 MHz'",
        "0.5 Hz   | '0.5 Hz' is not a whole number of Hz",
        "1e30 GHz | '1e30 GHz' is too large"})
    void frequencyParse_badText_oneLineMessageListingUnits(String text, String message) {
        assertThatThrownBy(() -> Frequency.parse(text)).isInstanceOf(UnitException.class).hasMessage(message);
    }

    @Test
    void dataSizeParse_ambiguousKB_explainsTheChoice() {
        assertThatThrownBy(() -> DataSize.parse("512 KB")).hasMessage("'512 KB' has an unknown unit 'KB' (ambiguous:"
                + " write kB for 1000 bytes or KiB for 1024); expected a size in B, kB, MB, GB, KiB, MiB or GiB, such as"
                + " '2 MiB'");
        assertThatThrownBy(() -> DataSize.parse("1.5 B")).hasMessage("'1.5 B' is not a whole number of bytes");
        assertThatThrownBy(() -> DataSize.parse("")).hasMessage("empty value; expected a size in B, kB, MB, GB, KiB,"
                + " MiB or GiB, such as '2 MiB'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // value in base units | canonical text: the largest unit that keeps the value exact (sizes: whole numbers)
        "F | 500000000    | 500 MHz",
        "F | 62500000     | 62.5 MHz",
        "F | 234375000    | 234.375 MHz",
        "F | 1000000000   | 1 GHz",
        "S | 8388608      | 8 MiB",
        "S | 393216       | 384 KiB",
        "S | 1572864      | 1536 KiB",
        "S | 2000000      | 2 MB",
        "S | 1000         | 1 kB",
        "S | 1023         | 1023 B",
        "D | 64000        | 64 ns",
        "D | 96096        | 96.096 ns",
        "D | 1            | 1 ps",
        "B | 500000000    | 500 MB/s",
        "B | 1875000000   | 1.875 GB/s"})
    void toString_value_canonicalText(char type, long value, String text) {
        Object q = switch (type) {
            case 'F' -> new Frequency(value);
            case 'S' -> new DataSize(value);
            case 'D' -> new Duration(value);
            default -> new Bandwidth(value);
        };
        assertThat(q.toString()).isEqualTo(text);
    }

    @Property
    void canonicalText_parsesBack_toTheSameValue(@ForAll @LongRange(min = 0, max = 1L << 50) long v) {
        assertThat(Frequency.parse(new Frequency(v).toString()).hz()).isEqualTo(v);
        assertThat(DataSize.parse(new DataSize(v).toString()).bytes()).isEqualTo(v);
        assertThat(Duration.parse(new Duration(v).toString()).ps()).isEqualTo(v);
        assertThat(Bandwidth.parse(new Bandwidth(v).toString()).bytesPerSecond()).isEqualTo(v);
    }

    @Property
    void doubleQuantities_printAndParseBack_exactly(@ForAll("energies") double pj) {
        assertThat(EnergyPerByte.parse(new EnergyPerByte(pj).toString()).picojoulesPerByte()).isEqualTo(pj);
        assertThat(Energy.parse(new Energy(pj).toString()).picojoules()).isEqualTo(pj);
        assertThat(Power.parse(new Power(pj).toString()).milliwatts()).isEqualTo(pj);
    }

    @Provide
    Arbitrary<Double> energies() {
        return Arbitraries.doubles().between(0, 1e6);
    }
}
