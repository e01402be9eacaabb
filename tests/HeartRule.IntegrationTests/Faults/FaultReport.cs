using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace HeartRule.IntegrationTests.Faults;

/// <param name="At">When the fault was made (a Stopwatch timestamp).</param>
/// <param name="Restored">From the fault until the process was running and healthy again.</param>
/// <param name="Detected">For a frozen process: until its own /health was seen not to answer (a 2 s probe); for a stopped one, until it exited.</param>
public sealed record FaultRow(string Name, long At, TimeSpan Restored, TimeSpan? Detected, bool Stopped = false);

/// <summary>The fault suite's result as the markdown table of docs/benchmarks.md.</summary>
public static class FaultReport
{
    public static string Table(IReadOnlyList<FaultRow> rows, IReadOnlyList<InputResult> results, IReadOnlyList<Anomaly> anomalies,
        TimeSpan normal, int conversations, double rate)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{conversations} conversations, {rate} inputs/s through two gateway nodes; \"normal\" = answered without error within {normal.TotalSeconds:F1} s.");
        text.AppendLine();
        text.AppendLine("| fault | restored | inputs acked | answered | answered with error | retryable refusals | lost | duplicates or gaps | back to normal |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var next = i + 1 < rows.Count ? rows[i + 1].At : long.MaxValue;
            var phase = results.Where(r => r.Phase == row.Name).ToList();
            var acked = phase.Count(r => r.Outcome is InputOutcome.Answered or InputOutcome.AnsweredWithError or InputOutcome.Lost);
            var answered = phase.Count(r => r.Outcome == InputOutcome.Answered);
            var errors = phase.Count(r => r.Outcome == InputOutcome.AnsweredWithError);
            var lost = phase.Count(r => r.Outcome == InputOutcome.Lost);
            var refusals = phase.Sum(r => r.Refusals);
            var odd = anomalies.Count(a => a.At >= row.At && a.At < next);
            // Back to normal: when the last input of the phase that was not normal ended.
            var lastAbnormal = phase.Where(r => r.Outcome != InputOutcome.Answered || r.Latency > normal).Select(r => r.EndedAt).DefaultIfEmpty(row.At).Max();
            var back = Stopwatch.GetElapsedTime(row.At, Math.Max(lastAbnormal, row.At));
            var restored = row.Detected is not { } d ? $"{row.Restored.TotalSeconds:F1} s"
                : row.Stopped ? $"exited {d.TotalSeconds:F1} s after SIGTERM; healthy again at {row.Restored.TotalSeconds:F1} s"
                : $"/health unanswered after {d.TotalSeconds:F1} s; thawed at {row.Restored.TotalSeconds:F1} s";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Name} | {restored} | {acked} | {answered} | {errors} | {refusals} | {lost} | {odd} | {back.TotalSeconds:F1} s |");
        }
        return text.ToString();
    }

    /// <summary>Every input that was not normal, by phase: what to look at when a row of the table is surprising.</summary>
    public static string Details(IReadOnlyList<FaultRow> rows, IReadOnlyList<InputResult> results, TimeSpan normal)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"## {row.Name}");
            foreach (var r in results.Where(r => r.Phase == row.Name && (r.Outcome != InputOutcome.Answered || r.Latency > normal)).OrderBy(r => r.SentAt))
            {
                var sent = Stopwatch.GetElapsedTime(row.At, r.SentAt).TotalSeconds;
                var acked = r.AckedAt == 0 ? "never" : $"+{Stopwatch.GetElapsedTime(r.SentAt, r.AckedAt).TotalSeconds:F1} s";
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"{r.ClientMessageId}: sent at {sent:F1} s, acked {acked}, {r.Outcome} {r.Error} after {r.Latency.TotalSeconds:F1} s, {r.Refusals} refusal(s), {r.Reconnects} reconnect(s)");
            }
        }
        return text.ToString();
    }
}
