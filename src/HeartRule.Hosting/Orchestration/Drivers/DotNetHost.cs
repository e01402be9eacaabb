namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>Which dotnet launches the services.</summary>
internal static class DotNetHost
{
    /// <summary>The SDK tells child processes which dotnet runs them; otherwise the one we run in, or PATH's.</summary>
    public static string Path { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath) ? hostPath
        : Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";
}
