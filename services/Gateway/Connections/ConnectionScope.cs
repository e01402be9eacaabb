using System.Collections;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// The log scope of one socket. Structured loggers read its pairs; the console prints its ToString. Two fields,
/// because it lives as long as the socket.
/// </summary>
public sealed class ConnectionScope(string connectionId, string userId) : IReadOnlyList<KeyValuePair<string, object>>
{
    public int Count => 2;

    public KeyValuePair<string, object> this[int index] => index switch
    {
        0 => new("connectionId", connectionId),
        1 => new("userId", userId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"connectionId:{connectionId} userId:{userId}";
}
