using Npgsql;

namespace HeartRule.Persistence.Database;

/// <summary>Which database failures pass by themselves (retry, or answer 503) and which are bugs or bad data.</summary>
public static class DatabaseErrors
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException pg => IsTransientState(pg.SqlState),
        // Not a server error: the connection failed, broke or timed out (server stopped, restarting, network).
        NpgsqlException => true,
        TimeoutException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    private static bool IsTransientState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal)       // connection exceptions
        || state.StartsWith("53", StringComparison.Ordinal)    // insufficient resources (too many connections…)
        || state.StartsWith("57P", StringComparison.Ordinal)   // admin/crash shutdown, cannot connect now
        || state is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.LockNotAvailable;
}
