using System.Reflection;

namespace HeartRule.Hosting.Testing;

/// <summary>
/// While a test runs an AppHost's Program, the builder that Program creates takes the test's options and,
/// at Build(), hands itself over instead of running (<see cref="AppHostCapturedException"/>).
/// Async-local, so tests running in parallel each capture their own.
/// </summary>
internal sealed class TestingInterception(Action<DistributedApplicationOptions> configure, Assembly appHostAssembly)
{
    public static readonly AsyncLocal<TestingInterception?> Current = new();

    public Assembly AppHostAssembly { get; } = appHostAssembly;

    public DistributedApplicationBuilder? Captured { get; set; }

    public void Configure(DistributedApplicationOptions options)
    {
        options.AppHostAssembly ??= AppHostAssembly;
        configure(options);
    }
}

/// <summary>Unwinds the AppHost's Program once its builder has been captured.</summary>
internal sealed class AppHostCapturedException() : Exception("The AppHost's builder was captured by DistributedApplicationTestingBuilder.");
