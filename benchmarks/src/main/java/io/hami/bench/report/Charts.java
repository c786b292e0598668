package io.hami.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's PNG charts (JFreeChart, rendered headless). Every chart carries the run's label (GPU, driver, CUDA,
 * commit) as a subtitle, so a chart copied out of the report still says what it measured.
 */
final class Charts {
    static final int WIDTH = 1000;
    static final int HEIGHT = 560;
    private static final Color[] PALETTE = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868),
            new Color(0xC44E52), new Color(0x8172B3), new Color(0x937860), new Color(0xDA8BC3),
            new Color(0x8C8C8C)};

    private Charts() {
    }

    /** Grouped bars: one group per category, one bar per series; a line at {@code marker} when not NaN. */
    static void bars(Path file, String title, String label, String valueAxis, List<String> categories,
                     Map<String, Map<String, Double>> series, double marker, boolean logScale) throws IOException {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        series.forEach((s, byCat) -> categories.forEach(c -> {
            Double v = byCat.get(c);
            if (v != null && (!logScale || v > 0)) {
                ds.addValue(v, s, c);
            }
        }));
        JFreeChart chart = ChartFactory.createBarChart(title, null, valueAxis, ds, PlotOrientation.VERTICAL, true,
                false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        if (logScale) {
            plot.setRangeAxis(log10(valueAxis, range(ds)));
        }
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setIncludeBaseInRange(!logScale || !Double.isNaN(marker));
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setItemMargin(0.05);
        colour(r, ds.getRowCount());
        rotate(plot.getDomainAxis(), categories);
        if (!Double.isNaN(marker)) {
            r.setBase(marker); // ratios: bars grow up or down from 1
            ValueMarker m = new ValueMarker(marker, Color.DARK_GRAY, new BasicStroke(1.5f));
            plot.addRangeMarker(m);
        }
        save(file, chart, label);
    }

    /** Lines through (x, y) points, one per series, log or linear axes. */
    static void lines(Path file, String title, String label, String xAxis, String yAxis,
                      Map<String, List<double[]>> series, boolean logX, boolean logY) throws IOException {
        XYSeriesCollection ds = new XYSeriesCollection();
        series.forEach((name, points) -> {
            XYSeries s = new XYSeries(name, false, true);
            for (double[] p : points) {
                if ((!logX || p[0] > 0) && (!logY || p[1] > 0) && Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                    s.add(p[0], p[1]);
                }
            }
            if (s.getItemCount() > 0) {
                ds.addSeries(s);
            }
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xAxis, yAxis, ds, PlotOrientation.VERTICAL, true,
                false, false);
        XYPlot plot = chart.getXYPlot();
        if (logX) {
            // powers of two, labelled as themselves: 1 KiB .. 2 GiB for sizes, 1 .. 16 for process counts
            LogAxis axis = new LogAxis(xAxis);
            axis.setBase(2);
            boolean sizes = xAxis.equals("bytes");
            axis.setTickUnit(new NumberTickUnit(sizes ? 2 : 1));
            axis.setNumberFormatOverride(new PowerOfTwoFormat(sizes));
            plot.setDomainAxis(axis);
        } else {
            ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
        }
        if (logY) {
            plot.setRangeAxis(log10(yAxis, new double[] {ds.getRangeLowerBound(false), ds.getRangeUpperBound(false)}));
        } else {
            ((NumberAxis) plot.getRangeAxis()).setNumberFormatOverride(new PlainFormat());
        }
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        List<String> configs = new java.util.ArrayList<>();
        for (int i = 0; i < ds.getSeriesCount(); i++) {
            // "<config> <what>": one colour per config, the second kind of line of a config dashed
            String key = ds.getSeriesKey(i).toString();
            String config = key.contains(" ") ? key.substring(0, key.indexOf(' ')) : key;
            if (!configs.contains(config)) {
                configs.add(config);
            }
            boolean dashed = key.endsWith(" p99") || key.endsWith(" free");
            r.setSeriesPaint(i, PALETTE[configs.indexOf(config) % PALETTE.length]);
            r.setSeriesStroke(i, dashed ? new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f,
                    new float[] {7f, 4f}, 0f) : new BasicStroke(2.2f));
        }
        plot.setRenderer(r);
        save(file, chart, label);
    }

    /** Cumulative distributions from percentiles (index = percentile) per series; latency on a log axis. */
    static void cdf(Path file, String title, String label, String xAxis, Map<String, double[]> percentiles)
            throws IOException {
        XYSeriesCollection ds = new XYSeriesCollection();
        percentiles.forEach((name, q) -> {
            XYSeries s = new XYSeries(name, false, true);
            for (int p = 0; p < q.length; p++) { // q[p] is percentile p
                if (q[p] > 0) {
                    s.add(q[p], p);
                }
            }
            if (s.getItemCount() > 0) {
                ds.addSeries(s);
            }
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xAxis, "percentile of calls", ds,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setDomainAxis(log10(xAxis, new double[] {ds.getDomainLowerBound(false), ds.getDomainUpperBound(false)}));
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setRange(0, 100);
        y.setTickUnit(new NumberTickUnit(10));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < ds.getSeriesCount(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(r);
        save(file, chart, label);
    }

    /** Box plots of the repetitions' values: one box per category and series. */
    static void boxes(Path file, String title, String label, String valueAxis,
                      Map<String, Map<String, List<Double>>> series) throws IOException {
        DefaultBoxAndWhiskerCategoryDataset ds = new DefaultBoxAndWhiskerCategoryDataset();
        series.forEach((s, byCat) -> byCat.forEach((c, values) -> {
            if (!values.isEmpty()) {
                ds.add(values, s, c);
            }
        }));
        JFreeChart chart = ChartFactory.createBoxAndWhiskerChart(title, null, valueAxis, ds, true);
        CategoryPlot plot = chart.getCategoryPlot();
        BoxAndWhiskerRenderer r = (BoxAndWhiskerRenderer) plot.getRenderer();
        r.setMeanVisible(false);
        r.setMaximumBarWidth(0.08);
        colour(r, ds.getRowCount());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        save(file, chart, label);
    }

    /** A base-10 log axis labelled with plain numbers (0.5, 1, 20), not powers; one tick per decade when wide. */
    private static LogAxis log10(String label, double[] range) {
        LogAxis axis = new LogAxis(label);
        axis.setSmallestValue(1e-4);
        axis.setNumberFormatOverride(new PlainFormat());
        if (range[0] > 0 && range[1] / range[0] >= 30) {
            axis.setTickUnit(new NumberTickUnit(1));
            axis.setMinorTickMarksVisible(true);
        }
        return axis;
    }

    private static double[] range(DefaultCategoryDataset ds) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int r = 0; r < ds.getRowCount(); r++) {
            for (int c = 0; c < ds.getColumnCount(); c++) {
                Number n = ds.getValue(r, c);
                if (n != null && n.doubleValue() > 0) {
                    min = Math.min(min, n.doubleValue());
                    max = Math.max(max, n.doubleValue());
                }
            }
        }
        return new double[] {Math.min(min, 1), Math.max(max, 1)};
    }

    /** Three significant digits, no exponent; thousands and millions as k and M. */
    private static final class PlainFormat extends java.text.NumberFormat {
        @Override
        public StringBuffer format(double v, StringBuffer to, java.text.FieldPosition pos) {
            double a = Math.abs(v);
            return to.append(a >= 1e6 ? Metrics.num(v / 1e6) + " M" : a >= 1e4 ? Metrics.num(v / 1e3) + " k"
                    : Metrics.num(v));
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, java.text.FieldPosition pos) {
            return to.append(v);
        }

        @Override
        public Number parse(String source, java.text.ParsePosition pos) {
            return null;
        }
    }

    /** Tick labels of a base-2 log axis: "64 KiB", "1 GiB" for sizes, "16" for counts. */
    private static final class PowerOfTwoFormat extends java.text.NumberFormat {
        private final boolean bytes;

        PowerOfTwoFormat(boolean bytes) {
            this.bytes = bytes;
        }

        @Override
        public StringBuffer format(double v, StringBuffer to, java.text.FieldPosition pos) {
            long n = Math.round(v);
            if (!bytes) {
                return to.append(n);
            }
            String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
            int u = 0;
            while (n >= 1024 && n % 1024 == 0 && u < units.length - 1) {
                n /= 1024;
                u++;
            }
            return to.append(n).append(' ').append(units[u]);
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, java.text.FieldPosition pos) {
            return format((double) v, to, pos);
        }

        @Override
        public Number parse(String source, java.text.ParsePosition pos) {
            return null;
        }
    }

    private static void colour(org.jfree.chart.renderer.category.AbstractCategoryItemRenderer r, int rows) {
        for (int i = 0; i < rows; i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
    }

    private static void rotate(CategoryAxis axis, List<String> categories) {
        int longest = categories.stream().mapToInt(String::length).max().orElse(0);
        if (categories.size() * longest > 90) {
            axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        axis.setMaximumCategoryLabelLines(2);
    }

    private static void save(Path file, JFreeChart chart, String label) throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        TextTitle sub = new TextTitle(label, new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        sub.setPaint(Color.DARK_GRAY);
        chart.addSubtitle(0, sub);
        var plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.LIGHT_GRAY);
        if (plot instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(new Color(0xDDDDDD));
            xy.setRangeGridlinePaint(new Color(0xDDDDDD));
        } else if (plot instanceof CategoryPlot cp) {
            cp.setRangeGridlinePaint(new Color(0xDDDDDD));
        }
        Files.createDirectories(file.getParent());
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }
}
