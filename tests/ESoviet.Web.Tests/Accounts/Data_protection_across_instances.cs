using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESoviet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ESoviet.Web.Tests.Accounts;

public sealed class Data_protection_across_instances(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_cookie_and_csrf_token_issued_by_one_instance_work_on_a_second_over_the_same_database()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("anna"));
        var jar = new SocketsHttpHandler();
        using var first = new HttpClient(jar) { BaseAddress = app.BaseAddress };
        (await first.PostJsonAsync("/api/session", new { handle = account.Handle, password = ApiClient.DefaultPassword })).EnsureSuccessStatusCode();
        var csrfToken = await first.UseCsrfTokenAsync();
        var sessionCookie = jar.CookieContainer.GetCookieHeader(app.BaseAddress);

        await using var second = new SecondInstance(app.ConnectionString);
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = second.Address };
        client.DefaultRequestHeaders.Add("Cookie", sessionCookie);
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", csrfToken);

        var session = await client.GetFromJsonAsync<JsonElement>("/api/session");
        session.GetProperty("signedIn").GetBoolean().Should().BeTrue();
        session.GetProperty("handle").GetString().Should().Be(account.Handle);
        using var write = await client.PostJsonAsync("/api/account/tokens", new { name = "made on the second node" });
        write.StatusCode.Should().Be(HttpStatusCode.Created);

        await using var count = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT count(*) FROM data_protection_keys");
        ((long)(await count.ExecuteScalarAsync())!).Should().BeGreaterThan(0);
    }

    /// <summary>Another node: the same app over the same database, its own process state and key ring cache.</summary>
    private sealed class SecondInstance : WebApplicationFactory<Program>
    {
        private readonly string connectionString;

        public SecondInstance(string connectionString)
        {
            this.connectionString = connectionString;
            UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
            Address = new Uri(addresses.Addresses.Single());
        }

        public Uri Address { get; }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(AppFixture.EnvironmentName);
            builder.UseSetting("ConnectionStrings:Postgres", connectionString);
        }
    }
}
