namespace ESoviet.EventStore;

/// <summary>An append expected a stream version that the stream no longer (or not yet) has. Nothing was written.</summary>
public sealed class StreamConflictException(string streamId, long expectedVersion, long actualVersion)
    : Exception($"Stream '{streamId}' was expected at version {expectedVersion} but is at {actualVersion}.")
{
    public string StreamId { get; } = streamId;
    public long ExpectedVersion { get; } = expectedVersion;
    public long ActualVersion { get; } = actualVersion;
}

/// <summary>An event with this id is already stored: the append was a repeat. Nothing was written.</summary>
public sealed class DuplicateEventException(Guid eventId)
    : Exception($"An event with id {eventId} is already stored.")
{
    public Guid EventId { get; } = eventId;
}

/// <summary>The log holds an event type name that no registered CLR type maps to.</summary>
public sealed class UnknownEventTypeException(string name)
    : Exception($"Event type '{name}' is not registered.")
{
    public string Name { get; } = name;
}
