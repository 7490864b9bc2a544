using Npgsql;

namespace ESoviet.Web.Infrastructure;

/// <summary>
/// The statements an inline projection writes for one append, sent to PostgreSQL as one batch (one round trip) in
/// the append's transaction. Nothing is sent when no event concerned the projection.
/// </summary>
public sealed class ProjectionBatch(NpgsqlConnection connection) : IAsyncDisposable
{
    private NpgsqlBatch? _batch;

    /// <summary>Adds a statement with positional parameters ($1, $2, …); null is SQL NULL, an <see cref="NpgsqlParameter"/> is taken as it is.</summary>
    public void Add(string sql, params object?[] args)
    {
        _batch ??= new NpgsqlBatch(connection);
        var command = new NpgsqlBatchCommand(sql);
        foreach (var arg in args) command.Parameters.Add(arg as NpgsqlParameter ?? new NpgsqlParameter { Value = arg ?? DBNull.Value });
        _batch.BatchCommands.Add(command);
    }

    public async Task ExecuteAsync(CancellationToken ct)
    {
        if (_batch is not null) await _batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A text parameter that may be null (typed, so PostgreSQL need not guess the type of a NULL).</summary>
    public static NpgsqlParameter Text(string? value) => new NpgsqlParameter<string?> { TypedValue = value };

    public ValueTask DisposeAsync() => _batch?.DisposeAsync() ?? ValueTask.CompletedTask;
}
