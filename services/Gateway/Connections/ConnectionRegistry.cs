using System.Collections.Concurrent;

namespace HeartRule.Gateway.Connections;

/// <summary>The sockets this node holds, by connection id.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, ClientConnection> _connections = new();

    public int Count => _connections.Count;

    public ICollection<ClientConnection> All => _connections.Values;

    public void Add(ClientConnection connection) => _connections[connection.Id] = connection;

    public void Remove(ClientConnection connection) => _connections.TryRemove(connection.Id, out _);

    public ClientConnection? Find(string connectionId) => _connections.GetValueOrDefault(connectionId);
}
