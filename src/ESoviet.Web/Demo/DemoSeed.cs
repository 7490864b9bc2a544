using ESoviet.EventStore;
using ESoviet.Web.Accounts;
using ESoviet.Web.Decisions;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Demo;

/// <summary>
/// Fills an empty instance with a demonstration organization, through the same commands people use, so the ledger
/// holds real events and every read model is built the ordinary way. Runs once: any organization means "not empty".
/// Each feature adds its own step to <see cref="RunAsync"/>, acting as the demo people through <see cref="DemoWorld"/>.
/// </summary>
public sealed class DemoSeed(IServiceProvider services, EventStore.EventStore appStore, MembershipQueries queries, AccountStore accounts, ILogger<DemoSeed> logger)
{
    public const string OrganizationName = "Harbour Workers' Collective";
    public const string Slug = "harbour";

    /// <summary>Every demo account's password; printed on start-up, so never use the demo on a real deployment.</summary>
    public const string Password = "demo-password-2026";

    /// <summary>The founder, whom the start-up line suggests signing in as.</summary>
    public const string SignInHandle = "anna";

    /// <summary>Full members, in the order they joined.</summary>
    public static readonly IReadOnlyList<string> Members = ["anna", "boris", "chen", "dara", "emeka"];

    /// <summary>Waiting with one vouch of the two a five-member organization asks for.</summary>
    public const string Candidate = "fay";

    /// <summary>Seeds an empty instance and returns what it made; null (and nothing written) when it was not empty.</summary>
    public async Task<DemoWorld?> RunAsync(CancellationToken ct)
    {
        if (await queries.AnyOrganizationAsync(ct)) return null;
        foreach (var handle in Members.Append(Candidate))
        {
            if (await accounts.HandleExistsAsync(handle, ct))
            {
                logger.LogWarning("Demo not seeded: an account '{Handle}' exists already.", handle);
                return null;
            }
        }

        // The demo's history happened over the last two weeks: the seed runs the ordinary commands on a clock it moves
        // itself, through an event store stamping that clock, so discussion periods have really passed.
        var clock = new DemoClock(TimeProvider.System.GetUtcNow().AddDays(-14));
        await using var store = DemoStore(clock);
        var membership = ActivatorUtilities.CreateInstance<MembershipCommands>(services, store, (TimeProvider)clock);
        var world = await SeedMembershipAsync(membership, clock, ct);
        var deliberation = ActivatorUtilities.CreateInstance<DeliberationCommands>(services, store, (TimeProvider)clock);
        var closer = ActivatorUtilities.CreateInstance<ProposalCloser>(services, store, (TimeProvider)clock);
        var voting = ActivatorUtilities.CreateInstance<VotingCommands>(services, store, (TimeProvider)clock, closer);
        var decisions = ActivatorUtilities.CreateInstance<DecisionCommands>(services, store, (TimeProvider)clock);
        await DemoDebate.SeedAsync(world, clock, deliberation, voting, closer, decisions, ct);
        await SeedNewcomersAsync(membership, world, clock, ct);
        appStore.Committed.Set();
        logger.LogInformation("Demo organization '{Slug}' seeded.", Slug);
        return world;
    }

    private EventStore.EventStore DemoStore(TimeProvider clock)
    {
        var options = new EventStoreOptions { Schema = appStore.Options.Schema, Json = appStore.Options.Json, Time = clock };
        foreach (var name in appStore.Options.Events.Names) options.Events.Add(appStore.Options.Events.TypeOf(name), name);
        options.InlineProjections.AddRange(appStore.Options.InlineProjections);
        return new EventStore.EventStore(appStore.DataSource, options);
    }

    /// <summary>The founder invites each next member and a member vouches them in (one vouch suffices below five members).</summary>
    private static async Task<DemoWorld> SeedMembershipAsync(MembershipCommands commands, DemoClock clock, CancellationToken ct)
    {
        var founded = Expect(await commands.FoundAsync(OrganizationName, Slug, null, new NewAccountInput(Members[0], Password), ct));
        var world = new DemoWorld(founded.OrganizationId, founded.Slug, founded.Name);

        for (var i = 1; i < Members.Count; i++)
        {
            clock.Advance(TimeSpan.FromHours(7));
            await JoinAsync(commands, world, Members[i], invitedBy: Members[i - 1], ct);
            Expect(await commands.VouchAsync(world.As(Members[0]), Members[i], ct));
        }

        return world;
    }

    /// <summary>Recent arrivals: a candidate with one of the two vouches now needed, and an invitation still open.</summary>
    private static async Task SeedNewcomersAsync(MembershipCommands commands, DemoWorld world, DemoClock clock, CancellationToken ct)
    {
        clock.MoveTo(TimeProvider.System.GetUtcNow().AddHours(-20));
        await JoinAsync(commands, world, Candidate, invitedBy: "chen", ct);
        clock.Advance(TimeSpan.FromHours(3));
        Expect(await commands.VouchAsync(world.As("dara"), Candidate, ct));
        clock.Advance(TimeSpan.FromHours(12));
        world.OpenInvitationToken = Expect(await commands.IssueInvitationAsync(world.As(Members[0]), ct)).Token;
    }

    private static async Task JoinAsync(MembershipCommands commands, DemoWorld world, string handle, string invitedBy, CancellationToken ct)
    {
        var invitation = Expect(await commands.IssueInvitationAsync(world.As(invitedBy), ct));
        Expect(await commands.AcceptInvitationAsync(invitation.Token, null, new NewAccountInput(handle, Password), ct));
    }

    // A refusal here is a bug in the seed, not a user's mistake: stop loudly rather than leave a half-made demo unnoticed.
    internal static T Expect<T>(Outcome<T> outcome) where T : class =>
        outcome.Value ?? throw new InvalidOperationException($"Demo seed refused: {outcome.Rejection?.Title}");
}

/// <summary>The seeded organization, for later seed steps to act in as any demo person.</summary>
public sealed class DemoWorld(Guid organizationId, string slug, string name)
{
    public Guid OrganizationId { get; } = organizationId;

    public string Slug { get; } = slug;

    public string Name { get; } = name;

    /// <summary>The token of the invitation left open, to show the joining flow.</summary>
    public string? OpenInvitationToken { get; set; }

    /// <summary>A demo person as the commands see them; the candidate is a candidate, everyone else a member.</summary>
    public OrgMember As(string handle) =>
        new(OrganizationId, Slug, Name, handle, handle == DemoSeed.Candidate ? MemberStatus.Candidate : MemberStatus.Member);
}

/// <summary>Seeds at start-up when <see cref="ESovietOptions.SeedDemo"/> is on, then prints how to sign in once the server listens.</summary>
public sealed class DemoSeedService(
    DemoSeed seed, IOptions<ESovietOptions> options, IServer server, IHostApplicationLifetime lifetime, DatabaseReadiness readiness) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (!options.Value.SeedDemo) return;
        await readiness.WaitAsync(ct);
        var world = await seed.RunAsync(ct);
        lifetime.ApplicationStarted.Register(() =>
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.TrimEnd('/') ?? "http://localhost";
            // Plain console lines rather than the (possibly JSON) log: they are for the person who ran scripts/run.
            Console.Out.WriteLine($"Demo: sign in at {address} as {DemoSeed.SignInHandle} / {DemoSeed.Password}");
            if (world?.OpenInvitationToken is { } token)
                Console.Out.WriteLine($"Demo: an open invitation to '{DemoSeed.Slug}' (shown this once): {address}/join/{token}");
        });
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
