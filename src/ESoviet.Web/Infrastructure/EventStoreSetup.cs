using Npgsql;

namespace ESoviet.Web.Infrastructure;

/// <summary>Registers the PostgreSQL data source and the event store. Owned by the event-store work.</summary>
public static class EventStoreSetup
{
    public static WebApplicationBuilder AddESovietEventStore(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not configured.");
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
        return builder;
    }
}
