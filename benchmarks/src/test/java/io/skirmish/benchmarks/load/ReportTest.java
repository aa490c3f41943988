package io.skirmish.benchmarks.load;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest
{
    @Test
    void shouldParseWhatItWrites()
    {
        final String line = new Report("@RESULT").put("n", 42).put("cpuPct", 12.5).put("dir", "a b").toString();
        assertEquals("@RESULT n=42 cpuPct=12.500 dir=a_b", line);

        final Report report = Report.parse(line);
        assertEquals("@RESULT", report.tag());
        assertEquals(42, report.number("n", -1));
        assertEquals(12.5, report.number("cpuPct", -1));
        assertEquals("a_b", report.text("dir", null));
        assertEquals(-1, report.number("absent", -1));
    }

    @Test
    void shouldReadThisProcessCpuTime()
    {
        final long ticks = ProcessCpu.ticks();
        assertTrue(ticks >= 0, "ticks " + ticks);
        assertEquals(50.0, ProcessCpu.percentOfCore(100, 150, 1_000_000_000L), 1e-9);
    }
}
