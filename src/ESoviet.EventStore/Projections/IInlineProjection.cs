using Npgsql;

namespace ESoviet.EventStore.Projections;

/// <summary>
/// Updates read models in the same transaction as the append, so a page can read its own
/// write at once. Keep them small: every append waits for them.
/// </summary>
public interface IInlineProjection
{
    Task ApplyAsync(NpgsqlConnection connection, IReadOnlyList<StoredEvent> events, CancellationToken ct);
}

/// <summary>
/// Updates read models from committed events, driven by the <see cref="ProjectionDaemon"/>.
/// A batch's writes commit together with the projection's progress, so a batch is applied
/// exactly once even across crashes.
/// </summary>
public interface IAsyncProjection
{
    /// <summary>Stable name: the key of the projection's progress row.</summary>
    string Name { get; }

    /// <summary>Applies a batch of events, in sequence order, inside the daemon's transaction.</summary>
    Task ApplyAsync(NpgsqlConnection connection, IReadOnlyList<StoredEvent> events, CancellationToken ct);

    /// <summary>Deletes everything the projection wrote, before a rebuild from sequence zero.</summary>
    Task ResetAsync(NpgsqlConnection connection, CancellationToken ct);

    /// <summary>
    /// False for a projection that needs only where each event sits (sequence, ids, stream, type, time, tenant, actor),
    /// not its body: the daemon then neither reads nor deserializes the bodies, and every
    /// <see cref="StoredEvent.Data"/> it passes is <see cref="EventBodyNotRead.Instance"/>.
    /// </summary>
    bool ReadsBodies => true;
}

/// <summary>The <see cref="StoredEvent.Data"/> of an event read without its body (<see cref="IAsyncProjection.ReadsBodies"/>).</summary>
public sealed class EventBodyNotRead
{
    public static readonly EventBodyNotRead Instance = new();

    private EventBodyNotRead()
    {
    }

    public override string ToString() => "(body not read)";
}
