using System.Diagnostics;
using System.Globalization;

namespace HeartRule.LoadTest;

/// <summary>Latency samples in milliseconds, kept whole (a run has at most a few hundred thousand) so percentiles are exact.</summary>
public sealed class Latencies
{
    private readonly List<double> _samples = [];
    private readonly Lock _lock = new();

    public static double MillisecondsSince(long timestamp) => Stopwatch.GetElapsedTime(timestamp).TotalMilliseconds;

    public static double Milliseconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    public void Add(double ms)
    {
        lock (_lock) _samples.Add(ms);
    }

    public Summary Summarize()
    {
        double[] sorted;
        lock (_lock) sorted = [.. _samples];
        Array.Sort(sorted);
        return new Summary(sorted.Length, At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99), sorted.Length == 0 ? 0 : sorted[^1]);
    }

    private static double At(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    public sealed record Summary(int Count, double P50, double P95, double P99, double Max)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"n={Count} p50={P50:F1} p95={P95:F1} p99={P99:F1} max={Max:F1} ms");
    }
}
