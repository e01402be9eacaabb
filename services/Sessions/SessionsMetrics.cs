using System.Diagnostics.Metrics;

namespace HeartRule.Sessions;

/// <summary>
/// Turns, by outcome, and how long they took (meter <see cref="MeterName"/>). The latency runs from the moment the
/// gateway accepted the input (its clock, carried on the command) to the turn's publication here.
/// </summary>
public sealed class SessionsMetrics
{
    public const string MeterName = "HeartRule.Sessions";
    public const string TurnsInstrument = "heartrule.turns";
    public const string TurnDurationInstrument = "heartrule.turn.duration";
    /// <summary>waiting_input, completed, error (a committed turn), or rejected.</summary>
    public const string OutcomeTag = "heartrule.turn.outcome";
    public const string Rejected = "rejected";

    private readonly Counter<long> _turns;
    private readonly Histogram<double> _duration;

    public SessionsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _turns = meter.CreateCounter<long>(TurnsInstrument, unit: "{turn}", description: "Turns handled, by outcome.");
        _duration = meter.CreateHistogram<double>(TurnDurationInstrument, unit: "ms",
            description: "From the input accepted by the gateway to the turn completed (or rejected).");
    }

    public void TurnEnded(string outcome, DateTimeOffset acceptedAt, DateTimeOffset now)
    {
        var tag = new KeyValuePair<string, object?>(OutcomeTag, outcome);
        _turns.Add(1, tag);
        _duration.Record((now - acceptedAt).TotalMilliseconds, tag);
    }
}
