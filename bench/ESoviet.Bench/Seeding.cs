using ESoviet.EventStore;
using ESoviet.EventStore.Projections;
using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Npgsql;

namespace ESoviet.Bench;

/// <summary>
/// Writes benchmark data straight through the event store, with the app's own events and inline projections, so
/// the app then reads exactly what it would have written itself — only much faster than through HTTP.
/// </summary>
public sealed class Seeding : IAsyncDisposable
{
    public const string Password = "bench-password-2026";

    private Seeding(NpgsqlDataSource dataSource, EventStore.EventStore store, AccountStore accounts) =>
        (DataSource, Store, Accounts) = (dataSource, store, accounts);

    public NpgsqlDataSource DataSource { get; }
    public EventStore.EventStore Store { get; }
    public AccountStore Accounts { get; }

    public static Seeding Open(string connectionString)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new EventStoreOptions();
        options.Events.AddRange(EventStoreSetup.DomainEventTypes());
        options.InlineProjections.AddRange(new IInlineProjection[] { new MembershipProjection(), new DeliberationProjection(), new VotingProjection() });
        return new Seeding(dataSource, new EventStore.EventStore(dataSource, options), new AccountStore(dataSource, TimeProvider.System));
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await DataSource.DisposeAsync();
    }

    /// <summary>An organization whose founder (and every other member) signs in with <see cref="Password"/>.</summary>
    public async Task<(Guid Org, string Slug, string Founder)> FoundAsync(string prefix)
    {
        var org = Guid.NewGuid();
        var slug = $"{prefix}-{org.ToString("N")[..8]}";
        var founder = "founder-" + org.ToString("N")[..8];
        var account = Accounts.Prepare(founder, Password);
        await using var session = Store.OpenSession(new EventMetadata(org.ToString(), founder));
        session.Enlist((connection, ct) => Accounts.InsertAsync(connection, account, ct));
        session.StartStream(OrganizationStreams.StreamId(org), "organization", new OrganizationFounded(org, "Bench " + slug, slug, founder, Charter.Default));
        session.StartStream(MembershipState.StreamId(org, founder), "membership", new MemberAdmitted(org, founder, [], true));
        await session.SaveChangesAsync();
        return (org, slug, founder);
    }
}
