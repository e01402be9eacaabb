using System.Reflection;

namespace HeartRule.Hosting;

/// <summary>How the AppHost runs: from the command line (defaults), or from a test (throw-away everything).</summary>
public sealed class DistributedApplicationOptions
{
    public string[] Args { get; set; } = [];

    /// <summary>The AppHost's assembly; its generated metadata gives the AppHost's project folder.</summary>
    public Assembly? AppHostAssembly { get; set; }

    /// <summary>Where the AppHost project lives (appsettings.json, the repository root above it).</summary>
    public string? AppHostDirectory { get; set; }

    /// <summary>Root of the servers' data folders; default <c>.data</c> at the repository root
    /// (or configuration <c>AppHost:DataDirectory</c>).</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Free ports everywhere instead of the fixed defaults, so that several runs can coexist.</summary>
    public bool RandomPorts { get; set; }

    /// <summary>Delete <see cref="DataDirectory"/> when the application is disposed.</summary>
    public bool DeleteDataDirectoryOnDispose { get; set; }

    /// <summary>The data will be thrown away: trade durability for speed (no fsync in PostgreSQL).</summary>
    public bool Ephemeral { get; set; }

    /// <summary>Delete the data folders before starting (the <c>--wipe</c> flag).</summary>
    public bool Wipe { get; set; }

    /// <summary>With <c>wipe</c>: only these resources' folders (all when empty).</summary>
    public IReadOnlyList<string> WipeResources { get; set; } = [];

    public bool WriteResourceOutputToConsole { get; set; } = true;

    /// <summary>Called for every line any resource writes (e.g. to forward it to a test's output).</summary>
    public Action<ResourceLogLine>? ResourceOutput { get; set; }

    /// <summary>0 picks a free port; null takes <c>Ports:dashboard</c> or 18888.</summary>
    public int? DashboardPort { get; set; }

    /// <summary>ASPNETCORE_ENVIRONMENT / DOTNET_ENVIRONMENT of the services; default Development.</summary>
    public string? EnvironmentName { get; set; }

    /// <summary>How long <see cref="DistributedApplication.StartAsync"/> waits for every resource to be ready.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Grace period between the stop signal and SIGKILL.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First delay before restarting a process that exited; doubles up to 30 s.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    internal bool IsTesting { get; set; }
}
