using System.Globalization;
using System.Text.Json;

namespace HeartRule.LoadTest;

/// <summary>
/// What one turns run cost: CPU milliseconds per completed turn for each process (the load tool's own kept apart).
/// CPU per turn is the figure that compares across machines when it is taken side by side on one box; absolute
/// latencies and rates do not.
/// </summary>
public sealed record TurnCost(
    string Label, double Offered, double Sustained, long Turns, int Errors, long Missed, double WindowSeconds,
    Latencies.Summary Latency, Latencies.Summary LatencyExcludingLlm, Dictionary<string, double> CpuSeconds)
{
    public const string LoadTool = "loadtool";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static TurnCost From(string label, double offered, TimeSpan window, TurnStats stats, Dictionary<string, double> cpuSeconds) =>
        new(label, offered, stats.Ok / window.TotalSeconds, stats.Ok, stats.Errors, stats.MissedSlots, window.TotalSeconds,
            stats.TurnLatency, stats.TurnLatencyExcludingLlm, cpuSeconds);

    /// <summary>CPU milliseconds per turn of one process.</summary>
    public double PerTurn(string process) => Turns == 0 ? 0 : CpuSeconds.GetValueOrDefault(process) * 1000 / Turns;

    /// <summary>The system's CPU milliseconds per turn: every process but the load tool.</summary>
    public double TotalPerTurn => Turns == 0 ? 0 : CpuSeconds.Where(p => p.Key != LoadTool).Sum(p => p.Value) * 1000 / Turns;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{TotalPerTurn:F2} ms in all ({string.Join(", ", CpuSeconds.Keys.Where(k => k != LoadTool).Select(k => $"{k} {PerTurn(k):F2}"))}; load tool {PerTurn(LoadTool):F2})");

    public Task WriteAsync(string path) => File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json));

    public static TurnCost Read(string path) =>
        JsonSerializer.Deserialize<TurnCost>(File.ReadAllText(path), Json) ?? throw new ArgumentException($"{path} holds no turns result.");

    /// <summary>Several runs of one build as one: CPU and turns added up, latencies of the last run.</summary>
    public static TurnCost Combine(IReadOnlyList<TurnCost> runs) => runs.Count == 1 ? runs[0] : runs[^1] with
    {
        Turns = runs.Sum(r => r.Turns),
        Errors = runs.Sum(r => r.Errors),
        Missed = runs.Sum(r => r.Missed),
        WindowSeconds = runs.Sum(r => r.WindowSeconds),
        Sustained = runs.Average(r => r.Sustained),
        CpuSeconds = runs.SelectMany(r => r.CpuSeconds).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value)),
    };
}
