using ESoviet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Faults.Tests.Harness;

/// <summary>
/// The real app in the test's process (on a real socket, like <see cref="AppFixture"/>) over a database in a
/// <see cref="PrivateCluster"/>, with a clock the test moves. With <paramref name="database"/> it opens an existing
/// database and leaves it in place on dispose, so a test can seed through it and then hand the data to app processes.
/// </summary>
public sealed class ClusterApp(PrivateCluster cluster, string? database = null) : AppFixture
{
    public TestClock Clock { get; } = new();

    protected override async Task<string> CreateDatabaseAsync() =>
        database is null ? await cluster.CreateDatabaseAsync(TestDatabase.NewName("faults")) : cluster.ConnectionString(database);

    // The cluster is deleted with the test class; nothing to drop one by one.
    protected override Task DropDatabaseAsync(string connectionString) => Task.CompletedTask;

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ESoviet:AllowFoundingAfterFirst", "true");
        // While the database is down every request and background loop logs its failure: thousands of lines of test output.
        builder.UseSetting("Logging:LogLevel:Default", "None");
    }

    public static async Task<ClusterApp> StartAsync(PrivateCluster cluster, string? database = null)
    {
        var app = new ClusterApp(cluster, database);
        await app.InitializeAsync();
        return app;
    }
}
