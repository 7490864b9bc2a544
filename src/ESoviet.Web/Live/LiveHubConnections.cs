using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace ESoviet.Web.Live;

/// <summary>
/// SignalR's own bookkeeping of the hub's connections, which also keeps each one's <see cref="HubConnectionContext"/>
/// at hand: the live feed writes a batch's message, serialized once, to every follower's connection as the same bytes
/// (<see cref="SerializedHubMessage"/>) instead of serializing it again per connection.
/// </summary>
public sealed class LiveHubConnections(ILogger<DefaultHubLifetimeManager<LiveHub>> logger) : DefaultHubLifetimeManager<LiveHub>(logger)
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> _contexts = new(StringComparer.Ordinal);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _contexts[connection.ConnectionId] = connection;
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _contexts.TryRemove(connection.ConnectionId, out _);
        return base.OnDisconnectedAsync(connection);
    }

    public HubConnectionContext? Find(string connectionId) => _contexts.GetValueOrDefault(connectionId);
}
