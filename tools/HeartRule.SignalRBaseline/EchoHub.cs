using Microsoft.AspNetCore.SignalR;

namespace HeartRule.SignalRBaseline;

/// <summary>Answers every message with one of the same size, to the caller only: the SignalR shape of a turn's round trip.</summary>
public sealed class EchoHub : Hub
{
    public const string Path = "/hub";

    public Task Echo(string payload) => Clients.Caller.SendAsync("echo", payload);
}
