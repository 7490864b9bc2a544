using System.Text.Json;
using System.Text.RegularExpressions;
using ESoviet.EventStore.Projections;

namespace ESoviet.EventStore;

public sealed partial class EventStoreOptions
{
    private string _schema = "es";

    /// <summary>PostgreSQL schema holding the store's tables; tests use one per class.</summary>
    public string Schema
    {
        get => _schema;
        set => _schema = SchemaName().IsMatch(value) ? value : throw new ArgumentException($"'{value}' is not a valid schema name.");
    }

    public EventTypeRegistry Events { get; } = new();

    public JsonSerializerOptions Json { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>Stamps event timestamps; tests pass a clock they can move.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    public List<IInlineProjection> InlineProjections { get; } = [];

    /// <summary>How long the daemon sleeps without any wake-up before it looks anyway.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events read per daemon batch.</summary>
    public int BatchSize { get; set; } = 1000;

    public string NotificationChannel => Schema + "_events";

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
