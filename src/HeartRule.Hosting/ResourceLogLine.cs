namespace HeartRule.Hosting;

/// <summary>One line of a resource's console output (or a note of the AppHost about it, <see cref="IsSystem"/>).</summary>
public sealed record ResourceLogLine(long Sequence, DateTimeOffset Timestamp, string Resource, int Replica, string Text, bool IsError, bool IsSystem = false);
