using Microsoft.AspNetCore.SignalR;

namespace ESoviet.Web.Live;

/// <summary>
/// <c>/hubs/live</c>: follow a topic (<c>org:{slug}</c>, <c>thread:{id}</c>, <c>proposal:{id}</c>) and receive its events as
/// <c>event</c> messages once they are committed, in sequence order. After a reconnect, <see cref="CatchUp"/> returns what
/// was missed. Signed-out connections are accepted but may follow nothing. See docs/api.md, "Live updates".
/// </summary>
public sealed class LiveHub(TopicAccess access, LiveConnections connections, LiveCatchUp catchUp) : Hub
{
    /// <summary>One answer for every refusal, so that a refusal tells nobody whether a thread or proposal exists.</summary>
    public const string Refused = "You cannot follow this topic: it does not exist, or you may not read it.";

    public override Task OnConnectedAsync()
    {
        connections.Connect(Context);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Disconnect(Context.ConnectionId);
        return Task.CompletedTask;
    }

    /// <summary>Starts pushing the topic's events to this connection; fails (joining nothing) when the caller may not read it.</summary>
    public async Task Subscribe(string topic)
    {
        if (!LiveTopic.TryParse(topic, out var parsed)) throw new HubException(Refused);
        var before = connections.Position;
        var grant = await access.AuthorizeAsync(Context.User!, parsed, Context.ConnectionAborted) ?? throw new HubException(Refused);
        switch (connections.Subscribe(Context.ConnectionId, grant, before))
        {
            case LiveConnections.SubscribeResult.Subscribed:
            case LiveConnections.SubscribeResult.AlreadySubscribed:
                return;
            case LiveConnections.SubscribeResult.TooMany:
                throw new HubException("This connection follows too many topics already; unsubscribe from one first.");
            default:
                throw new HubException(Refused);
        }
    }

    public void Unsubscribe(string topic)
    {
        if (LiveTopic.TryParse(topic, out var parsed)) connections.Unsubscribe(Context.ConnectionId, parsed.Name);
    }

    /// <summary>
    /// Every event of the topic with a sequence number above <paramref name="afterSeq"/>, in order, as the pushes carry them;
    /// at most <see cref="LiveOptions.CatchUpLimit"/> at a time: while <c>more</c>, call again with <c>upTo</c>.
    /// </summary>
    public async Task<CatchUpResult> CatchUp(string topic, long afterSeq)
    {
        if (!LiveTopic.TryParse(topic, out var parsed)) throw new HubException(Refused);
        var grant = await access.AuthorizeAsync(Context.User!, parsed, Context.ConnectionAborted) ?? throw new HubException(Refused);
        return await catchUp.ReadAsync(grant, afterSeq, Context.ConnectionAborted);
    }
}
