using System.Net.WebSockets;

namespace HeartRule.Client;

/// <summary>How a <see cref="HeartRuleConnection"/> reaches the gateways and how patient it is.</summary>
public sealed class HeartRuleConnectionOptions
{
    /// <summary>
    /// The gateway nodes' WebSocket addresses (<c>wss://host/ws</c>), or one address in front of all of them. Any node
    /// serves any session: after a lost socket the connection moves on to the next address in the list.
    /// </summary>
    public required IReadOnlyList<Uri> Gateways { get; init; }

    /// <summary>
    /// Gets an access token for the user: called for every socket opened, and again when the gateway warns that the
    /// socket's token is about to expire (<c>auth.expiring</c>, answered with <c>auth.refresh</c>). Return a fresh
    /// token when the one held may be close to expiry.
    /// </summary>
    public required Func<CancellationToken, Task<string>> AccessToken { get; init; }

    /// <summary>A protocol <c>ping</c> this often, so the gateway's idle timeout (120 s) never closes a quiet connection.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the answer to a request (<c>ack</c>, <c>session.started</c>, <c>session.attached</c>) may take before the
    /// socket is taken for dead, dropped and replaced. Longer than the gateway's 5 s accept timeout, so that its
    /// retryable refusal comes first when the broker is down (docs/protocol.md, "Guarantees").
    /// </summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first wait before a reconnect or a resend; it doubles on each failure in a row, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many times a failed connection attempt is retried, in a row, before the connection gives up (the default: always).</summary>
    public int MaxReconnectAttempts { get; init; } = int.MaxValue;

    /// <summary>
    /// Sessions followed at once (each is attached again on every new socket): <see cref="HeartRuleConnection.StartAsync"/>
    /// and <see cref="HeartRuleConnection.AttachAsync"/> refuse one more; <see cref="HeartRuleConnection.DetachAsync"/> makes room.
    /// </summary>
    public int MaxSessions { get; init; } = 32;

    /// <summary>Inputs waiting for their <c>ack</c>; <see cref="HeartRuleConnection.SendAsync"/> waits for room beyond this.</summary>
    public int MaxPendingInputs { get; init; } = 64;

    /// <summary>
    /// Events not yet read from <see cref="HeartRuleConnection.Events"/>. When it is full, reading the socket waits for
    /// the application: nothing is dropped (the gateway closes a socket that stops reading, and the connection resumes).
    /// </summary>
    public int EventBufferSize { get; init; } = 4096;

    /// <summary>Anything else about the sockets: headers, a proxy, certificates.</summary>
    public Action<ClientWebSocketOptions>? ConfigureSocket { get; init; }

    /// <summary>Used for the waits between attempts; a fake one makes them instant in tests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (Gateways.Count == 0) throw new ArgumentException("At least one gateway address is needed.", nameof(Gateways));
        foreach (var uri in Gateways)
        {
            if (!uri.IsAbsoluteUri || uri.Scheme is not ("ws" or "wss"))
                throw new ArgumentException($"A gateway address is a ws:// or wss:// URI, not '{uri}'.", nameof(Gateways));
        }
        if (ReplyTimeout <= TimeSpan.Zero || RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay)
            throw new ArgumentException("ReplyTimeout and RetryDelay must be positive, and MaxRetryDelay at least RetryDelay.");
        if (MaxSessions < 1 || MaxPendingInputs < 1 || EventBufferSize < 1 || MaxReconnectAttempts < 1)
            throw new ArgumentException("MaxSessions, MaxPendingInputs, EventBufferSize and MaxReconnectAttempts must be at least 1.");
    }
}
