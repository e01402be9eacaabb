using Microsoft.Extensions.Hosting;

namespace HeartRule.Hosting.Testing;

/// <summary>No Ctrl+C/SIGTERM handling of ours inside a test process: the test runner owns those signals.</summary>
internal sealed class TestingHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
