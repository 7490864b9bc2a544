namespace ESoviet.EventStore;

/// <summary>An event as it was committed: its body plus where and when it sits in the log.</summary>
public sealed record StoredEvent(
    long Sequence,
    Guid Id,
    string StreamId,
    long Version,
    string EventTypeName,
    object Data,
    DateTimeOffset Timestamp,
    string? TenantId,
    string? Actor,
    string? CorrelationId,
    string? CausationId);

/// <summary>Who and why: carried by every event a session appends.</summary>
public sealed record EventMetadata(string? TenantId = null, string? Actor = null, string? CorrelationId = null, string? CausationId = null)
{
    public static readonly EventMetadata None = new();
}

/// <summary>Wraps an event body when its id must be chosen by the caller, e.g. derived from an idempotency key.</summary>
public sealed record NewEvent(object Data, Guid Id);

/// <summary>The result of folding a stream: the state and the version it reflects.</summary>
public sealed record StreamState<T>(T State, long Version);

/// <summary>Expected-version values for <see cref="EventSession.Append(string, long, object[])"/>.</summary>
public static class ExpectedVersion
{
    /// <summary>Append whatever the stream's version (creating it if needed).</summary>
    public const long Any = -1;

    /// <summary>The stream must not exist yet.</summary>
    public const long New = 0;
}
