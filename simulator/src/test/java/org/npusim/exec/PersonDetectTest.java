// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Tensor;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * person_detect.tflite (TFLite Micro's visual wake words example; output index 0 = no person, 1 = person, int8
 * with scale 1/256 and zero point -128) on images drawn here, since no photographs can be fetched: a dark human
 * silhouette (head with a face, torso, arms, legs) on a noisy wall-and-floor background, against a brick wall
 * without anyone. This shows the network end to end on inputs with and without a human shape; it is weaker
 * evidence than held-out photographs.
 */
final class PersonDetectTest {

    static Interpreter interpreter;

    @BeforeAll
    static void load() {
        System.setProperty("java.awt.headless", "true");
        interpreter = Interpreter.of(TfliteReader.read(SharedData.model("person_detect")));
    }

    static BufferedImage background(boolean bricks) {
        BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_BYTE_GRAY);
        if (bricks) {
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(120, 120, 120));
            g.fillRect(0, 0, 96, 96);
            g.setColor(new Color(70, 70, 70));
            for (int y = 0; y < 96; y += 12) {
                g.drawLine(0, y, 96, y);
                for (int x = (y / 12) % 2 * 12; x < 96; x += 24) {
                    g.drawLine(x, y, x, y + 12);
                }
            }
            g.dispose();
            return img;
        }
        Random r = new Random(7);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                int v = (y < 70 ? 170 - y / 2 : 110) + r.nextInt(21) - 10;
                img.getRaster().setSample(x, y, 0, Math.max(0, Math.min(255, v)));
            }
        }
        return img;
    }

    static BufferedImage person() {
        BufferedImage img = background(false);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(40, 40, 40));
        double cx = 48;
        double top = 10;
        g.fill(new Ellipse2D.Double(cx - 8, top, 16, 19));
        g.fill(new java.awt.geom.Rectangle2D.Double(cx - 3, top + 18, 6, 5));
        g.fill(new RoundRectangle2D.Double(cx - 13, top + 22, 26, 34, 8, 8));
        g.setStroke(new BasicStroke(6, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new Line2D.Double(cx - 12, top + 25, cx - 20, top + 52));
        g.draw(new Line2D.Double(cx + 12, top + 25, cx + 20, top + 52));
        g.setStroke(new BasicStroke(8, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new Line2D.Double(cx - 6, top + 55, cx - 9, top + 82));
        g.draw(new Line2D.Double(cx + 6, top + 55, cx + 9, top + 82));
        g.setColor(new Color(200, 200, 200));
        g.fill(new Ellipse2D.Double(cx - 5, top + 4, 10, 12));
        g.setColor(new Color(40, 40, 40));
        g.fill(new Ellipse2D.Double(cx - 3.5, top + 8, 2.5, 2.5));
        g.fill(new Ellipse2D.Double(cx + 1, top + 8, 2.5, 2.5));
        g.dispose();
        return img;
    }

    static int[] scores(BufferedImage img) {
        Tensor in = interpreter.inputs().get(0);
        TensorBuffer out = interpreter.run(List.of(InputFiles.fromImage(img, in, "drawn"))).outputs().get(0);
        return new int[] {(int) out.get(0), (int) out.get(1)};
    }

    @Test
    void run_drawnPerson_classifiedAsPerson() {
        int[] s = scores(person());
        // Score 64 is probability 0.75 on the output scale (64 + 128) / 256.
        assertThat(s[1]).as("person score").isGreaterThan(s[0]).isGreaterThanOrEqualTo(64);
    }

    @Test
    void run_silhouette_raisesPersonScoreOverItsOwnBackground() {
        // The figure, not the background texture, is what the network responds to.
        assertThat(scores(person())[1]).isGreaterThan(scores(background(false))[1] + 50);
    }

    @Test
    void run_brickWall_classifiedAsNoPerson() {
        int[] s = scores(background(true));
        assertThat(s[0]).as("no-person score").isGreaterThan(s[1]).isGreaterThanOrEqualTo(64);
    }

    @Test
    void run_sameInputTwice_identicalScoresAndTensors() {
        Tensor in = interpreter.inputs().get(0);
        TensorBuffer x = InputFiles.fromImage(person(), in, "drawn");
        ExecutionResult a = interpreter.run(List.of(x));
        ExecutionResult b = Interpreter.of(TfliteReader.read(SharedData.model("person_detect"))).run(List.of(x));
        for (int t : a.activationTensors()) {
            assertThat(a.tensor(t).contentEquals(b.tensor(t))).as("tensor " + t).isTrue();
        }
    }
}
