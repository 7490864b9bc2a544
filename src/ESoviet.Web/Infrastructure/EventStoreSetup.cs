using ESoviet.EventStore;
using ESoviet.EventStore.Projections;
using Npgsql;

namespace ESoviet.Web.Infrastructure;

/// <summary>Marks a record as an event of ESoviet's log; its stored name is its snake_case type name.</summary>
public interface IDomainEvent;

/// <summary>
/// Registers the PostgreSQL data source, the event store with every domain event and projection, and the
/// background services that keep read models and live feeds moving: schema migrations at start, the
/// LISTEN connection, and the async projection daemon.
/// </summary>
public static class EventStoreSetup
{
    /// <summary>Read-model tables live beside the event store; their scripts are Schema/NNNN_name.sql in this project.</summary>
    public const string AppSchemaComponent = "app";

    public static WebApplicationBuilder AddESovietEventStore(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not configured.");
        var services = builder.Services;
        services.AddSingleton(ShiftedClock.For(builder.Environment, builder.Configuration));
        services.AddSingleton<DatabaseReadiness>();
        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(WithPoolDefaults(connectionString))
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());
        services.AddSingleton(sp =>
        {
            var options = new EventStoreOptions { Time = sp.GetRequiredService<TimeProvider>() };
            options.Events.AddRange(DomainEventTypes());
            options.InlineProjections.AddRange(sp.GetServices<IInlineProjection>());
            return new EventStore.EventStore(sp.GetRequiredService<NpgsqlDataSource>(), options);
        });
        services.AddSingleton(sp => new ProjectionDaemon(
            sp.GetRequiredService<EventStore.EventStore>(),
            sp.GetServices<IAsyncProjection>(),
            sp.GetRequiredService<ILogger<ProjectionDaemon>>()));
        services.AddSingleton(sp => new NotificationListener(
            sp.GetRequiredService<EventStore.EventStore>(), sp.GetRequiredService<ILogger<NotificationListener>>()));

        // Order matters: hosted services start in registration order, and the schema must exist first.
        services.AddHostedService<SchemaMigrationService>();
        services.AddHostedService<EventBackgroundService>();
        return builder;
    }

    /// <summary>
    /// Pool settings the app's statements are written for, unless the connection string says otherwise: the hot
    /// statements (a vote, a page) are prepared once per pooled connection instead of parsed and planned on every
    /// call, and a connection going back to the pool skips the reset (DISCARD ALL, or seven statements once statements
    /// are prepared): the app keeps no session state, since every SET and advisory lock it takes is
    /// transaction-scoped and the notification listener UNLISTENs before it lets its connection go.
    /// </summary>
    public static string WithPoolDefaults(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Mentions("MaxAutoPrepare")) settings.MaxAutoPrepare = 64;
        if (!Mentions("NoResetOnClose")) settings.NoResetOnClose = true;
        return settings.ConnectionString;

        bool Mentions(string key) =>
            connectionString.Replace(" ", "", StringComparison.Ordinal).Contains(key + "=", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Every event record of the app: what the store must know to read the log back.</summary>
    public static IEnumerable<Type> DomainEventTypes() =>
        typeof(EventStoreSetup).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IDomainEvent).IsAssignableFrom(t));

    public static IServiceCollection AddInlineProjection<T>(this IServiceCollection services) where T : class, IInlineProjection =>
        services.AddSingleton<IInlineProjection, T>();

    public static IServiceCollection AddAsyncProjection<T>(this IServiceCollection services) where T : class, IAsyncProjection =>
        services.AddSingleton<IAsyncProjection, T>();

    /// <summary>
    /// Applies the event store's and the read models' migrations before the server accepts requests. When the
    /// database cannot be reached, the app starts anyway and keeps trying in the background (see <see cref="DatabaseReadiness"/>).
    /// </summary>
    private sealed class SchemaMigrationService(
        EventStore.EventStore store, NpgsqlDataSource dataSource, DatabaseReadiness readiness, ILogger<SchemaMigrationService> logger)
        : IHostedService
    {
        private readonly CancellationTokenSource _stopping = new();

        public async Task StartAsync(CancellationToken ct)
        {
            if (await TryMigrateAsync(ct)) return;
            _ = Task.Run(async () =>
            {
                var delay = TimeSpan.FromSeconds(1);
                while (!_stopping.IsCancellationRequested)
                {
                    try { await Task.Delay(delay, _stopping.Token); } catch (OperationCanceledException) { return; }
                    if (await TryMigrateAsync(_stopping.Token)) return;
                    delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 15));
                }
            });
        }

        private async Task<bool> TryMigrateAsync(CancellationToken ct)
        {
            try
            {
                await store.ApplySchemaAsync(ct);
                var applied = await SchemaMigrator.ApplyAsync(
                    dataSource, AppSchemaComponent, SchemaMigrator.FromEmbeddedResources(typeof(EventStoreSetup).Assembly, ".Schema."), null, ct);
                if (applied > 0) logger.LogInformation("Applied {Count} read-model migrations.", applied);
                readiness.MarkReady();
                return true;
            }
            catch (Exception e) when (e is NpgsqlException { IsTransient: true } or TimeoutException || e.InnerException is System.Net.Sockets.SocketException)
            {
                logger.LogWarning("The database is not reachable yet ({Message}); retrying.", e.Message);
                return false;
            }
        }

        public Task StopAsync(CancellationToken ct)
        {
            _stopping.Cancel();
            return Task.CompletedTask;
        }
    }

    /// <summary>Runs the LISTEN connection and the projection daemon for the app's lifetime, once the schema exists.</summary>
    private sealed class EventBackgroundService(NotificationListener listener, ProjectionDaemon daemon, DatabaseReadiness readiness) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try { await readiness.WaitAsync(stoppingToken); } catch (OperationCanceledException) { return; }
            await Task.WhenAll(listener.RunAsync(stoppingToken), daemon.RunAsync(stoppingToken));
        }
    }
}
