namespace HeartRule.IntegrationTests;

/// <summary>Placeholder until the OTLP receiver lands.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public Uri Endpoint { get; } = new("http://127.0.0.1:4318/");

    public Task StartAsync() => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
