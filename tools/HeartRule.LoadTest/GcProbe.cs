using System.Globalization;

namespace HeartRule.LoadTest;

/// <summary>
/// Asks a server started with the startup hook tools/HeartRule.GcProbe for its live managed bytes after a
/// full blocking GC (see that project). Servers started without the hook answer nothing: null.
/// </summary>
public static class GcProbe
{
    public static async Task<long?> LiveBytesAsync(int pid)
    {
        var environment = await File.ReadAllTextAsync($"/proc/{pid}/environ");
        if (!environment.Contains("HeartRule.GcProbe.dll", StringComparison.Ordinal)) return null;
        var dir = environment.Split('\0').FirstOrDefault(e => e.StartsWith("GC_PROBE_DIR=", StringComparison.Ordinal))?["GC_PROBE_DIR=".Length..] ?? "/tmp";
        var request = Path.Combine(dir, $"gc-probe-{pid}.request");
        var result = Path.Combine(dir, $"gc-probe-{pid}.txt");
        File.Delete(result);
        await File.WriteAllTextAsync(request, "");
        for (var i = 0; i < 150; i++)
        {
            await Task.Delay(200);
            if (!File.Exists(result)) continue;
            var text = await File.ReadAllTextAsync(result);
            var live = text.Split(' ').Select(p => p.Split('=')).FirstOrDefault(p => p[0] == "live");
            return live is null ? null : long.Parse(live[1], CultureInfo.InvariantCulture);
        }
        File.Delete(request);
        return null;
    }
}
