using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using HeartRule.Persistence.Tests.Fixtures;
using HeartRule.Persistence.Turns;
using MassTransit;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static HeartRule.Persistence.Tests.Fixtures.TestTurns;

namespace HeartRule.Persistence.Tests;

/// <summary>A stored turn shows up in the trace it was published in, and batch sizes are measured.</summary>
[Collection(ServersCollection.Name)]
public sealed class TurnTelemetryTests(Servers servers) : IAsyncLifetime
{
    private IBusControl _bus = null!;

    public async Task InitializeAsync()
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new Uri(servers.MessagingConnectionString)));
        await _bus.StartAsync();
    }

    public Task DisposeAsync() => _bus.StopAsync();

    [Fact]
    public async Task A_batch_is_a_span_in_its_turns_trace_and_its_size_is_measured()
    {
        var (host, db) = await servers.HostAsync("consumer");
        using var sizes = new MetricCollector<int>(host.Get<IMeterFactory>(), PersistenceTelemetry.Name, PersistenceTelemetry.BatchSizeInstrument);
        using var source = new ActivitySource("HeartRule.Persistence.Tests");
        var batches = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            // MassTransit's too, as a service that exports traces listens to it: its send span writes the trace
            // into the message's headers.
            ShouldListenTo = s => s.Name is PersistenceTelemetry.Name or "HeartRule.Persistence.Tests" or "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName == PersistenceTelemetry.WriteBatchSpan) batches.Enqueue(a);
            },
        };
        ActivitySource.AddActivityListener(listener);
        var session = Guid.NewGuid();

        ActivityTraceId trace;
        using (var turn = source.StartActivity("turn"))
        {
            trace = turn!.TraceId;
            var endpoint = await _bus.GetSendEndpoint(new Uri($"queue:{host.Queue}"));
            await endpoint.Send(Turn(session, 0));
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!batches.Any(b => b.TraceId == trace) && DateTime.UtcNow < deadline) await Task.Delay(50);
        var batch = Assert.Single(batches, b => b.TraceId == trace);
        Assert.Contains(batch.Links, l => l.Context.TraceId == trace);
        Assert.Equal(1, await Db.CountAsync(db, "SELECT COUNT(*) FROM turns WHERE session_id = @id", session));
        Assert.Contains(sizes.GetMeasurementSnapshot(), m => m.Value >= 1);
    }
}
