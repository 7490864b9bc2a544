using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ESoviet.EventStore;
using ESoviet.EventStore.Projections;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Web.Tests.Ledger;

/// <summary>The app with founding open to every test: each test founds its own organizations and reads only their chains.</summary>
public sealed class LedgerFixture : AppFixture
{
    protected override string DatabasePrefix => "ledger";

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseSetting("ESoviet:AllowFoundingAfterFirst", "true");

    public EventStore.EventStore Store => Services.GetRequiredService<EventStore.EventStore>();

    /// <summary>Waits until the sealer (and every other async projection) has applied everything committed so far.</summary>
    public Task WaitForSealingAsync() =>
        Services.GetRequiredService<ProjectionDaemon>().WaitForNonStaleAsync(TimeSpan.FromSeconds(30));

    public Task<Guid> OrganizationIdAsync(string slug) =>
        this.ScalarAsync<Guid>("SELECT id FROM organizations WHERE slug = $1", slug);

    /// <summary>Appends events as the organization's members do: tenant = the organization, actor = the member.</summary>
    public async Task<IReadOnlyList<StoredEvent>> AppendAsync(Guid organization, string actor, string stream, params object[] events)
    {
        await using var session = Store.OpenSession(new EventMetadata(organization.ToString(), actor));
        session.Append(stream, events);
        return await session.SaveChangesAsync();
    }
}

/// <summary>A line of an export, split as docs/ledger.md says: fixed-length prefix, then the entry bytes.</summary>
public sealed record ExportLine(string Hash, string Prev, string Entry)
{
    public static ExportLine Parse(string line)
    {
        line.Should().StartWith("{\"hash\":\"").And.EndWith("}");
        line.Substring(73, 10).Should().Be("\",\"prev\":\"");
        line.Substring(147, 10).Should().Be("\",\"entry\":");
        return new ExportLine(line.Substring(9, 64), line.Substring(83, 64), line[157..^1]);
    }

    public JsonElement Json => JsonDocument.Parse(Entry).RootElement;

    public long Position => Json.GetProperty("position").GetInt64();

    public string Type => Json.GetProperty("type").GetString()!;

    /// <summary>sha256(prev + "\n" + entry), computed here from the document rather than by the server or the verifier.</summary>
    public string Recomputed => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Prev + "\n" + Entry)));
}

public static class Exports
{
    public const string Zeros = "0000000000000000000000000000000000000000000000000000000000000000";

    public static async Task<List<ExportLine>> ExportAsync(this HttpClient client, string slug, long? after = null)
    {
        using var response = await client.GetAsync($"/api/orgs/{slug}/ledger" + (after is null ? "" : $"?after={after}"));
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var text = await response.Content.ReadAsStringAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ExportLine.Parse).ToList();
    }

    /// <summary>Every hash recomputes, every prev links, positions run 1, 2, 3 … and sequence numbers increase.</summary>
    public static void ShouldFormOneChain(this IReadOnlyList<ExportLine> lines)
    {
        var prev = Zeros;
        long lastSeq = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            line.Prev.Should().Be(prev, $"line {i + 1} links to the line before");
            line.Recomputed.Should().Be(line.Hash, $"line {i + 1}'s hash covers its prev and entry");
            line.Position.Should().Be(i + 1);
            var seq = line.Json.GetProperty("seq").GetInt64();
            seq.Should().BeGreaterThan(lastSeq);
            lastSeq = seq;
            prev = line.Hash;
        }
    }
}
