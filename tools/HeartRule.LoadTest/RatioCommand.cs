using System.Globalization;

namespace HeartRule.LoadTest;

/// <summary>
/// ratio: CPU per turn of two builds measured side by side (tools/HeartRule.LoadTest/compare.sh), per process and
/// in total, as new ÷ base. Runs of one build given as a comma-separated list are added up.
/// </summary>
public static class RatioCommand
{
    public static int Run(CommandLine args)
    {
        var baseRuns = args.List("base", "").Select(TurnCost.Read).ToList();
        var newRuns = args.List("new", "").Select(TurnCost.Read).ToList();
        var baseName = args.String("base-label", "base");
        var newName = args.String("new-label", "new");
        args.EnsureAllRead();
        if (baseRuns.Count == 0 || newRuns.Count == 0) throw new ArgumentException("--base and --new each need at least one result file (turns --json).");

        var (b, n) = (TurnCost.Combine(baseRuns), TurnCost.Combine(newRuns));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT ratio: {baseName}: {b.Turns} turns in {b.WindowSeconds:F0}s ({b.Sustained:F1}/s, {b.Errors} errors, {b.Missed} missed); " +
            $"{newName}: {n.Turns} turns in {n.WindowSeconds:F0}s ({n.Sustained:F1}/s, {n.Errors} errors, {n.Missed} missed)"));
        Console.WriteLine($"| CPU per turn (ms) | {baseName} | {newName} | ratio |");
        Console.WriteLine("|---|---|---|---|");
        var processes = b.CpuSeconds.Keys.Union(n.CpuSeconds.Keys).Where(p => p != TurnCost.LoadTool).OrderByDescending(b.PerTurn);
        foreach (var p in processes) Row(p, b.PerTurn(p), n.PerTurn(p));
        Row("**all (load tool excluded)**", b.TotalPerTurn, n.TotalPerTurn);
        Row("load tool", b.PerTurn(TurnCost.LoadTool), n.PerTurn(TurnCost.LoadTool));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| turn latency p50 / p99 (ms), last run | {b.Latency.P50:F1} / {b.Latency.P99:F1} | {n.Latency.P50:F1} / {n.Latency.P99:F1} | |"));
        return 0;
    }

    private static void Row(string name, double before, double after) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {before:F2} | {after:F2} | {(before > 0 ? (after / before).ToString("F2", CultureInfo.InvariantCulture) : "—")} |"));
}
