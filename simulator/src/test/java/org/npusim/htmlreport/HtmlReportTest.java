// SPDX-License-Identifier: Apache-2.0
package org.npusim.htmlreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.npusim.analysis.Analysis;
import org.npusim.analysis.Analyzer;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareDocument;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.hw.yaml.Overrides;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.plan.EthosUWeightSizer;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

final class HtmlReportTest {

    /** Weight streams sized by the Ethos-U encoder, as npusim simulate sizes them. */
    private static final EthosUWeightSizer SIZER = new EthosUWeightSizer();

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The charts the report draws, by element id. */
    private static final List<String> CHARTS = List.of("chart-layers", "chart-traffic", "chart-roofline", "chart-energy");
    /** The browser window: wide enough for the 1100-pixel charts, tall enough to hold all four. */
    private static final int WINDOW_W = 1280;
    private static final int WINDOW_H = 2400;

    @TempDir
    Path tmp;

    private static String report(Model m, String hwFile) throws IOException {
        HardwareDocument doc = HardwareLoader.parse(SharedData.repositoryRoot().resolve("hwconfigs").resolve(hwFile));
        HardwareConfig hw = doc.resolve(Overrides.NONE);
        Simulator.Run run = simulator(hw).run(m, m.name(), hw, false);
        Analysis a = new Analyzer(h -> simulator(h).simulate(m, m.name(), h)).analyze(run.result(), hw, doc, Overrides.NONE);
        StringWriter w = new StringWriter();
        HtmlReport.write(run, hw, a, w);
        return w.toString();
    }

    private static Simulator simulator(HardwareConfig hw) {
        return new Simulator(CortexMCostModel::of, SIZER);
    }

    private static JsonNode data(String html) throws IOException {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"npusim-data\">(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("data element").isTrue();
        return new ObjectMapper().readTree(m.group(1));
    }

    @Test
    void write_personDetect_selfContainedWithNoExternalReference() throws IOException {
        String html = report(TfliteReader.read(SharedData.model("person_detect")), "corstone-300.yaml");
        assertThat(html).startsWith("<!DOCTYPE html>").contains("data-status=\"loading\"");
        // Nothing the browser would fetch: no linked files, no sourced scripts or images, no CSS imports or urls.
        assertThat(html).doesNotContain("<link").doesNotContain(" src=").doesNotContain("@import").doesNotContain("url(")
                .doesNotContain("https:").doesNotContain(" href=");
        for (String id : CHARTS) {
            assertThat(html).contains("id=\"" + id + "\"");
        }
    }

    @Test
    void write_personDetect_dataHasEveryLayerWithWhereItRuns() throws IOException {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        JsonNode d = data(report(m, "corstone-300.yaml"));
        assertThat(d.get("layers").size()).isEqualTo(m.main().operators().size());
        for (JsonNode l : d.get("layers")) {
            assertThat(l.get("where").asText()).isIn("npu", "cpu", "dma", "none");
            assertThat(l.get("reason").asText()).isNotEmpty();
        }
        // Ethos-U55-128 at 500 MHz: 128 MACs per cycle.
        assertThat(d.get("roofs").get("computeMacsPerSecond").asDouble()).isEqualTo(128 * 500e6);
        assertThat(d.get("roofs").get("memories").size()).isEqualTo(2);
        assertThat(d.get("whatIfs").size()).isGreaterThan(0);
        // Each memory's use, as the result gives it: person_detect's 232,216 bytes of encoded weights in the DDR
        // (SimulateCommandTest's capacity figure), the arena in the SRAM.
        JsonNode ddr = d.get("total").get("memory").get("ddr");
        assertThat(ddr.get(1).asLong()).isEqualTo(232_216);
        assertThat(ddr.get(2).asLong()).isEqualTo(232_216);
        JsonNode sram = d.get("total").get("memory").get("sram");
        assertThat(sram.get(1).asLong()).isEqualTo(sram.get(3).asLong()).isPositive();
        // NPU layers have no CPU kernel; on a CPU-only board every layer names the kernel that ran it.
        assertThat(d.get("layers")).allMatch(l -> l.get("kernel").asText().isEmpty());
        JsonNode cpu = data(report(m, "cpu-only/cortex-m7-280mhz.yaml"));
        assertThat(cpu.get("layers")).allMatch(l -> !l.get("kernel").asText().isEmpty());
        assertThat(cpu.get("layers").get(0).get("kernel").asText()).startsWith("arm_");
    }

    @Test
    void write_twice_sameBytes() throws IOException {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        assertThat(report(m, "corstone-300.yaml")).isEqualTo(report(m, "corstone-300.yaml"));
    }

    @Test
    void scriptSafe_textThatWouldCloseTheScript_escaped() {
        String json = "{\"name\":\"a</script><script>alert(1)</script><!--\"}";
        String safe = HtmlReport.scriptSafe(json);
        assertThat(safe).doesNotContain("</script").doesNotContain("<!--");
        assertThat(HtmlReport.escape("<a href=\"x\">&'")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    /**
     * Opens the report of MobileNet v2 on Corstone-300 in headless Chromium: the script must run without an error
     * (it sets data-status="ok" last, "error" on any exception or uncaught error), and each chart's region of the
     * screenshot must hold drawn colour (bars, points, roofs), not only the grey axes. The screenshot is kept in
     * target/html-report/ as a build artifact.
     */
    @Test
    void write_mobileNetV2OnCorstone300_rendersInHeadlessChromiumWithChartsDrawn() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM);
        if (!present) {
            System.err.println("SKIPPED: " + CHROMIUM + " is absent (apt-get install chromium); the HTML report is not "
                    + "checked in a browser");
        }
        assumeTrue(present, CHROMIUM + " is absent");
        Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/mobilenet_v2_100_224.yaml"));
        Path out = SharedData.repositoryRoot().resolve("simulator/target/html-report");
        Files.createDirectories(out);
        Path html = out.resolve("mobilenet_v2_100_224__corstone-300.html");
        Files.writeString(html, report(m, "corstone-300.yaml"), StandardCharsets.UTF_8);
        Path png = out.resolve("mobilenet_v2_100_224__corstone-300.png");
        Files.deleteIfExists(png);

        Browser dom = chromium(html, "--dump-dom");
        assertThat(dom.stderr()).doesNotContain("Uncaught");
        Matcher status = Pattern.compile("<html[^>]*data-status=\"([^\"]*)\"").matcher(dom.stdout());
        assertThat(status.find()).as("html element in the DOM dump").isTrue();
        Matcher error = Pattern.compile("data-error=\"([^\"]*)\"").matcher(dom.stdout());
        assertThat(status.group(1)).as(error.find() ? error.group(1) : "no data-error").isEqualTo("ok");
        Map<String, int[]> rects = new LinkedHashMap<>();
        Matcher r = Pattern.compile("<div id=\"(chart-[a-z]+)\"[^>]*data-rect=\"(\\d+),(\\d+),(\\d+),(\\d+)\"").matcher(dom.stdout());
        while (r.find()) {
            rects.put(r.group(1), new int[] {Integer.parseInt(r.group(2)), Integer.parseInt(r.group(3)),
                    Integer.parseInt(r.group(4)), Integer.parseInt(r.group(5))});
        }
        assertThat(rects.keySet()).containsExactlyElementsOf(CHARTS);

        chromium(html, "--screenshot=" + png);
        assertThat(png).exists();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(WINDOW_W);
        List<String> blank = new ArrayList<>();
        for (Map.Entry<String, int[]> e : rects.entrySet()) {
            int[] b = e.getValue();
            assertThat(b[1] + b[3]).as(e.getKey() + " must lie inside the screenshot").isLessThanOrEqualTo(image.getHeight());
            long ink = colouredPixels(image, b[0], b[1], b[2], b[3]);
            // A chart with data has hundreds of coloured pixels at least (the energy bar alone is 1080 x 36); an
            // empty chart has grey axes and black text only.
            if (ink < 500) {
                blank.add(e.getKey() + " (" + ink + " coloured pixels)");
            }
        }
        assertThat(blank).as("charts without drawing in " + png).isEmpty();
    }

    /** Counts pixels whose colour is saturated (channels differ by more than 40): drawn data, not grey or white. */
    private static long colouredPixels(BufferedImage img, int x0, int y0, int w, int h) {
        long n = 0;
        for (int y = Math.max(0, y0); y < Math.min(img.getHeight(), y0 + h); y++) {
            for (int x = Math.max(0, x0); x < Math.min(img.getWidth(), x0 + w); x++) {
                int rgb = img.getRGB(x, y);
                int red = (rgb >> 16) & 0xff;
                int green = (rgb >> 8) & 0xff;
                int blue = rgb & 0xff;
                int max = Math.max(red, Math.max(green, blue));
                int min = Math.min(red, Math.min(green, blue));
                if (max - min > 40) {
                    n++;
                }
            }
        }
        return n;
    }

    private record Browser(String stdout, String stderr) {}

    /** Runs headless Chromium on {@code html} with one action flag, as the machine notes say to start it. */
    private Browser chromium(Path html, String action) throws Exception {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile");
        List<String> cmd = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile,
                "--window-size=" + WINDOW_W + "," + WINDOW_H, action, html.toUri().toString());
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        assertThat(p.exitValue()).as("chromium exit code; stderr: " + err.get()).isZero();
        return new Browser(out.get(), err.get());
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
