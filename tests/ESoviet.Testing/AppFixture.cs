using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ESoviet.Testing;

/// <summary>
/// The real ESoviet app on a real loopback socket, over a fresh database of its own: one per test class
/// (<c>IClassFixture&lt;AppFixture&gt;</c>). HTTP, WebSocket and browser tests all talk to <see cref="BaseAddress"/>.
/// Derive to change services (a test clock, say) through <see cref="ConfigureServices"/>.
/// </summary>
public class AppFixture : IAsyncLifetime
{
    public const string EnvironmentName = "Testing";

    private Factory? factory;
    private string? connectionString;
    private Uri? baseAddress;

    /// <summary>Names the fixture's database <c>t_&lt;prefix&gt;_&lt;8 hex&gt;</c>.</summary>
    protected virtual string DatabasePrefix => "app";

    /// <summary>The app's own database, for tests that look underneath it.</summary>
    public string ConnectionString => connectionString ?? throw NotStarted();

    /// <summary>Where the app listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress => baseAddress ?? throw NotStarted();

    /// <summary>The running app's root service provider.</summary>
    public IServiceProvider Services => (factory ?? throw NotStarted()).Services;

    /// <summary>
    /// A client of the real socket with its own cookie jar: one client is one visitor. Redirects are returned
    /// to the test, not followed, unless asked.
    /// </summary>
    public HttpClient CreateClient(bool allowAutoRedirect = false) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = allowAutoRedirect }) { BaseAddress = BaseAddress };

    /// <summary>Creates the app's database and returns a connection string to it; by default on the shared test cluster.</summary>
    protected virtual Task<string> CreateDatabaseAsync() => TestDatabase.CreateAsync(DatabasePrefix);

    /// <summary>Drops what <see cref="CreateDatabaseAsync"/> created.</summary>
    protected virtual Task DropDatabaseAsync(string connectionString) => TestDatabase.DropAsync(connectionString);

    /// <summary>Runs after the app's own registrations, so a registration here replaces the app's.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Runs after the fixture's settings, so a setting here wins over them.</summary>
    protected virtual void ConfigureWebHost(IWebHostBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        connectionString = await CreateDatabaseAsync();

        factory = new Factory(this);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();

        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel reported no addresses.");
        baseAddress = new Uri(addresses.Addresses.Single());

        // A ConnectionStrings__Postgres in the developer's environment outranks UseSetting: refuse to run tests
        // against a database that is not the fixture's own.
        var appDatabase = new NpgsqlConnectionStringBuilder(Services.GetRequiredService<NpgsqlDataSource>().ConnectionString).Database;
        var ownDatabase = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (appDatabase != ownDatabase)
        {
            throw new InvalidOperationException(
                $"The app uses database '{appDatabase}', not the test database '{ownDatabase}'. Unset ConnectionStrings__Postgres.");
        }
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        if (connectionString is not null)
        {
            await DropDatabaseAsync(connectionString);
        }
    }

    private static InvalidOperationException NotStarted() => new("The app starts in InitializeAsync.");

    private sealed class Factory(AppFixture fixture) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // Host settings, so Program sees them while it registers services, before Build().
            builder.UseEnvironment(EnvironmentName);
            builder.UseSetting("ConnectionStrings:Postgres", fixture.ConnectionString);
            builder.ConfigureTestServices(fixture.ConfigureServices);
            fixture.ConfigureWebHost(builder);
        }
    }
}
