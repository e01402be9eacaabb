using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using MassTransit.Logging;

namespace HeartRule.Persistence.Turns;

/// <summary>
/// The turn writer's span and instrument. A batch is one span (<see cref="WriteBatchSpan"/>) and one transaction:
/// its parent is the trace of the batch's first turn (at low load a batch holds one turn, so the write shows in
/// that turn's trace), and it links to every turn's trace it carries.
/// </summary>
public sealed class PersistenceTelemetry
{
    public const string Name = "HeartRule.Persistence";
    public const string WriteBatchSpan = "persistence.write_batch";
    public const string BatchSizeInstrument = "heartrule.persistence.batch.size";

    private static readonly ActivitySource Source = new(Name);

    private readonly Histogram<int> _batchSize;

    public PersistenceTelemetry(IMeterFactory meters)
    {
        _batchSize = meters.Create(Name).CreateHistogram<int>(BatchSizeInstrument, unit: "{turn}", description: "Turns written in one transaction.");
    }

    public Activity? StartBatch(IReadOnlyList<ConsumeContext> messages)
    {
        _batchSize.Record(messages.Count);
        var links = new List<ActivityLink>(messages.Count);
        foreach (var message in messages)
        {
            if (TraceOf(message) is { } context) links.Add(new ActivityLink(context));
        }
        var parent = links.Count > 0 ? links[0].Context : default;
        var activity = Source.StartActivity(WriteBatchSpan, ActivityKind.Internal, parent, links: links);
        activity?.SetTag("heartrule.batch.size", messages.Count);
        return activity;
    }

    /// <summary>The trace a message was sent in: MassTransit carries the sending span's W3C id in a header.</summary>
    private static ActivityContext? TraceOf(ConsumeContext message) =>
        ActivityContext.TryParse(message.Headers.Get<string>(DiagnosticHeaders.ActivityId), null, isRemote: true, out var context) ? context : null;
}
